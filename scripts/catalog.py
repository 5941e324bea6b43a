"""The message catalog: compile the Japanese .po sources into bpr.mo, and check that nothing is missing.

    .venv/bin/python scripts/catalog.py compile   # bpr/locale/ja/*.po -> bpr/locale/ja/LC_MESSAGES/bpr.mo
    .venv/bin/python scripts/catalog.py check     # every message of the code and every help text translated
    .venv/bin/python scripts/catalog.py missing   # the missing ones as .po entries to fill in

The sources are split by area (cli.po, inventory.po …) so that each stays readable; they compile into
the one catalog bpr loads. tests/test_messages.py runs `check`. Babel is a development tool only:
bpr reads the compiled catalog with the standard library's gettext.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "bpr" / "locale" / "ja"
COMPILED = SOURCES / "LC_MESSAGES" / "bpr.mo"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# A fixed date: the compiled catalog must be the same bytes from the same sources.
_FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_FIELD = re.compile(r"(?<!\{)\{([^{}]*)\}")


def _fields(text: str) -> list[str]:
    return sorted(_FIELD.findall(text))


@dataclass
class Report:
    """What `check` found; empty lists mean the catalog is whole."""

    missing: list[tuple[str, str]] = field(default_factory=list)  # (msgid, where)
    untranslated: list[tuple[str, str]] = field(default_factory=list)  # (msgid, source file)
    fields: list[tuple[str, str]] = field(default_factory=list)  # (msgid, msgstr): placeholders differ
    conflicts: list[str] = field(default_factory=list)  # one msgid, two translations
    unused: list[tuple[str, str]] = field(default_factory=list)  # (msgid, source file)
    stale_compiled: bool = False

    def lines(self) -> Iterator[str]:
        """Yield one line per problem."""
        for msgid, where in self.missing:
            yield f"{where}: not in the catalog: {msgid!r}"
        for msgid, source in self.untranslated:
            yield f"{source}: no translation: {msgid!r}"
        for msgid, msgstr in self.fields:
            yield f"placeholders differ: {msgid!r} -> {msgstr!r}"
        for msgid in self.conflicts:
            yield f"two translations: {msgid!r}"
        for msgid, source in self.unused:
            yield f"{source}: not used by the code: {msgid!r}"
        if self.stale_compiled:
            yield f"{COMPILED.relative_to(ROOT)} is not compiled from the sources: run scripts/catalog.py compile"


def source_files() -> list[Path]:
    """Return the .po sources, sorted."""
    return sorted(SOURCES.glob("*.po"))


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def read_sources() -> tuple[dict[str, tuple[Message, Path]], list[str]]:
    """Return every message of the sources by id, with its file, and the ids translated twice differently."""
    found: dict[str, tuple[Message, Path]] = {}
    conflicts: list[str] = []
    for path in source_files():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="ja", domain="bpr")
        for message in catalog:
            if not message.id:
                continue
            key = _key(message)
            if key in found and found[key][0].string != message.string:
                conflicts.append(key)
            found.setdefault(key, (message, path))
    return found, conflicts


def compiled_bytes() -> bytes:
    """Return the compiled catalog of the sources."""
    found, _ = read_sources()
    catalog = Catalog(locale="ja", domain="bpr", project="bpr", creation_date=_FIXED, revision_date=_FIXED)
    for key in sorted(found):
        message, _path = found[key]
        catalog.add(message.id, message.string, flags=[f for f in message.flags if f != "fuzzy"])
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def code_messages() -> dict[str, str]:
    """Return every message id marked in bpr's code, with where it is first found."""
    found: dict[str, str] = {}
    package = ROOT / "bpr"
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found.setdefault(key, f"bpr/{filename}:{lineno}")
    found.update({key: where for key, where in defaults_comments().items() if key not in found})
    return found


def defaults_comments() -> dict[str, str]:
    """Return the comment blocks of bpr/defaults.yaml (said in the run's language by `bpr config --defaults`)."""
    sys.path.insert(0, str(ROOT))
    from bpr.config import comment_blocks

    path = ROOT / "bpr" / "defaults.yaml"
    found: dict[str, str] = {}
    line = 1
    for _indent, block, lines in comment_blocks(path.read_text(encoding="utf-8")):
        if block is not None:
            found.setdefault(block, f"bpr/defaults.yaml:{line}")
            line += block.count("\n") + 1
        else:
            line += len(lines)
    return found


def help_messages() -> dict[str, str]:
    """Return every help text of the command line (commands and parameters), with the command it belongs to."""
    sys.path.insert(0, str(ROOT))
    import typer

    from bpr.cli.main import app

    found: dict[str, str] = {}

    def walk(command: object, path: str) -> None:
        for attribute in ("help", "short_help", "epilog"):
            text = getattr(command, attribute, None)
            if text:
                found.setdefault(text, f"bpr {path} ({attribute})".replace("  ", " "))
        for param in getattr(command, "params", []):
            if getattr(param, "help", None):
                found.setdefault(param.help, f"bpr {path} {param.name}")
        for name, child in getattr(command, "commands", {}).items():
            walk(child, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")
    return found


def check() -> Report:
    """Compare the catalog with the code and the help, and the compiled catalog with its sources."""
    report = Report()
    found, report.conflicts = read_sources()
    wanted = {**help_messages(), **code_messages()}
    for msgid, where in sorted(wanted.items()):
        if msgid not in found:
            report.missing.append((msgid, where))
    for key, (message, path) in sorted(found.items()):
        name = str(path.relative_to(ROOT))
        strings: Iterable[str] = message.string if isinstance(message.string, tuple) else (message.string,)
        ids: Iterable[str] = message.id if isinstance(message.id, tuple) else (message.id,)
        if not all(strings) or "fuzzy" in message.flags:
            report.untranslated.append((key, name))
            continue
        id_fields = {tuple(_fields(i)) for i in ids}
        for string in strings:
            if tuple(_fields(string)) not in id_fields:
                report.fields.append((key, string))
        if key not in wanted:
            report.unused.append((key, name))
    report.stale_compiled = not COMPILED.is_file() or COMPILED.read_bytes() != compiled_bytes()
    return report


def _po_entry(msgid: str, where: str) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'

    return f'#: {where}\nmsgid {quote(msgid)}\nmsgstr ""\n'


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand: compile, check or missing."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["compile", "check", "missing"])
    args = parser.parse_args(argv)
    if args.command == "compile":
        COMPILED.parent.mkdir(parents=True, exist_ok=True)
        COMPILED.write_bytes(compiled_bytes())
        print(f"wrote {COMPILED.relative_to(ROOT)} from {len(source_files())} sources")
        return 0
    if args.command == "missing":
        found, _ = read_sources()
        wanted = {**help_messages(), **code_messages()}
        for msgid, where in sorted(wanted.items(), key=lambda item: item[1]):
            if msgid not in found:
                print(_po_entry(msgid, where))
        return 0
    lines = list(check().lines())
    for line in lines:
        print(line)
    print(f"{len(lines)} problems in the catalog" if lines else "the catalog is whole")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
