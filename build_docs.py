"""Put the docs into bpr's wheel, as bpr/docs/: a PC installed from a wheelhouse (LGWAN) has no checkout.

pyproject.toml names this module's BuildPy as setuptools' build_py ([tool.setuptools.cmdclass]). It copies
README.md and docs/*.md next to the built package, with the README's links into docs/ made relative to the
folder they are shipped in; `bpr docs` finds them there. An editable install (`pip install -e .`) is left
alone: bpr then reads docs/ of the checkout itself.
"""

from __future__ import annotations

from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("bpr", "docs")


def shipped_docs(root: Path) -> dict[str, str]:
    """Return the text of every doc the wheel carries, by its name in bpr/docs/."""
    docs = {"README.md": (root / "README.md").read_text(encoding="utf-8").replace("](docs/", "](")}
    for path in sorted((root / "docs").glob("*.md")):
        docs[path.name] = path.read_text(encoding="utf-8").replace("](../README.md", "](README.md")
    return docs


class BuildPy(build_py):
    """setuptools' build_py, then the docs written into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib).joinpath(*SHIPPED)
        self.mkpath(str(target))
        for name, text in shipped_docs(ROOT).items():
            (target / name).write_text(text, encoding="utf-8", newline="\n")
