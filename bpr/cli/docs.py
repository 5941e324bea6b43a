"""`bpr docs`: where bpr's documents are on this PC, and open one, with no network.

A wheel carries README.md and docs/*.md as the package data bpr/docs/ (build_docs.py); a checkout or an
editable install reads them where they are written, README.md and docs/ beside the package. They are
Markdown: any text editor shows them, and so does the viewer the system opens them with.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from bpr.cli import emit, fail
from bpr.i18n import N_, _

PACKAGE = Path(__file__).resolve().parents[1]
README = "README.md"

NameArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="NAME",
        help=N_("A document, e.g. offline or format (its file name, .md optional). Default: the list of them all."),
        show_default=False,
    ),
]
OpenOption = Annotated[
    bool,
    typer.Option(
        "--open",
        help=N_("Open the document (or, without NAME, the folder) with the system's viewer."),
        show_default=False,
    ),
]


@dataclass(frozen=True)
class Document:
    """One of bpr's documents: its file and the title its first heading gives."""

    path: Path
    title: str


def documents(package: Path | None = None) -> tuple[Path, list[Document]] | None:
    """Return the folder of the docs and every document (the README first), or None when neither copy is there."""
    package = PACKAGE if package is None else package
    shipped = package / "docs"
    if (shipped / README).is_file():
        files = [shipped / README, *sorted(p for p in shipped.glob("*.md") if p.name != README)]
        return shipped, [Document(path, title(path)) for path in files]
    checkout = package.parent
    if (checkout / README).is_file() and (checkout / "docs").is_dir():
        files = [checkout / README, *sorted((checkout / "docs").glob("*.md"))]
        return checkout / "docs", [Document(path, title(path)) for path in files]
    return None


def title(path: Path) -> str:
    """Return the text of a Markdown file's first heading (its file name when it has none)."""
    try:
        with path.open(encoding="utf-8") as file:
            for line in file:
                if line.startswith("# "):
                    return line[2:].strip()
    except (OSError, UnicodeDecodeError):
        pass
    return path.name


def find(found: list[Document], name: str) -> Document | None:
    """Return the document a name means: its file name, with or without .md, in any case."""
    wanted = name.lower().removesuffix(".md")
    return next((doc for doc in found if doc.path.stem.lower() == wanted), None)


def open_with_system(path: Path) -> None:
    """Open a file or folder with the system's viewer (Explorer and the file's application on Windows)."""
    if os.name == "nt":
        os.startfile(path)  # type: ignore[attr-defined,unused-ignore]  # Windows only
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    subprocess.run([opener, str(path)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def docs(name: NameArgument = None, open_: OpenOption = False) -> None:
    """Show where bpr's documents are on this PC (they need no network), and open one with --open."""
    located = documents()
    if located is None:
        fail(_("the documents are not installed with this copy of bpr (no {folder})").format(folder=PACKAGE / "docs"))
    folder, found = located
    target: Path = folder
    if name is not None:
        document = find(found, name)
        if document is None:
            fail(
                _("no document '{name}': one of {names}").format(
                    name=name, names=", ".join(doc.path.stem for doc in found)
                )
            )
        target = document.path
    if open_:
        try:
            open_with_system(target)
        except (OSError, subprocess.CalledProcessError) as exc:
            fail(_("cannot open {path}: {reason}").format(path=target, reason=exc))
        return
    if name is not None:
        emit(lambda stream: stream.write(f"{target}\n"))
        return
    # A checkout's README is beside docs/, not in it: it is shown with its whole path.
    names = [doc.path.name if doc.path.parent == folder else str(doc.path) for doc in found]
    width = max(map(len, names))
    lines = [f"{folder}", *(f"  {shown.ljust(width)}  {doc.title}" for shown, doc in zip(names, found, strict=True))]
    hint = _("open one: bpr docs NAME --open (e.g. bpr docs offline --open)")
    emit(lambda stream: stream.write("\n".join([*lines, hint]) + "\n"))
