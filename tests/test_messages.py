"""The message catalog is whole: every message of the code and every help text is translated, with the
same placeholders, nothing is translated twice differently, and the compiled catalog is the sources'.

`scripts/catalog.py check` is the same check at the command line; `scripts/catalog.py missing` prints
what is missing as PO entries to fill in.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import ModuleType

import pytest

from bpr.i18n import LOCALE_DIR, current_language, set_language

from conftest import ROOT, load_script


@pytest.fixture(scope="module")
def catalog() -> ModuleType:
    return load_script(ROOT / "scripts" / "catalog.py", "bpr_catalog_script")


def test_every_message_and_help_text_is_in_the_catalog_and_translated(catalog: ModuleType) -> None:
    report = catalog.check()
    assert not report.missing, "\n".join(f"{where}: {msgid!r}" for msgid, where in report.missing)
    assert not report.untranslated, report.untranslated
    assert not report.fields, report.fields
    assert not report.conflicts, report.conflicts
    assert not report.unused, report.unused


def test_the_compiled_catalog_is_compiled_from_the_sources(catalog: ModuleType) -> None:
    compiled = LOCALE_DIR / "ja" / "LC_MESSAGES" / "bpr.mo"
    assert compiled.read_bytes() == catalog.compiled_bytes(), "run: .venv/bin/python scripts/catalog.py compile"


def test_compiling_twice_gives_the_same_bytes(catalog: ModuleType) -> None:
    assert catalog.compiled_bytes() == catalog.compiled_bytes()


def test_the_check_finds_a_message_missing_from_the_catalog(catalog: ModuleType, tmp_path: Path) -> None:
    # The check must be able to fail: a module with a message the catalog lacks.
    module = tmp_path / "bpr" / "probe.py"
    module.parent.mkdir()
    module.write_text('from bpr.i18n import _\n\nMESSAGE = _("a message no catalog holds {x}")\n', encoding="utf-8")
    found = dict(
        (message, filename)
        for filename, _line, message, *_rest in catalog.extract_from_dir(
            str(module.parent), method_map=[("**.py", "python")], keywords=catalog.KEYWORDS, comment_tags=()
        )
    )
    assert "a message no catalog holds {x}" in found


# --- every user-facing literal goes through the catalog -------------------------------------------

# Calls whose text argument a person reads: exits, echoes, streams, consoles, problems, help.
_SINKS = frozenset(
    {"fail", "echo", "secho", "write", "print", "Problem", "problem", "warn", "warning", "note", "Option", "Argument"}
)
# Keyword arguments that carry text to a person.
_TEXT_KEYWORDS = frozenset({"help", "message"})
_ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,:;]+[A-Za-z]{2,}[ ,:;]+[A-Za-z]{2,}")
# Packages whose output is the run's (the workbooks, report and diagrams are Japanese documents).
_SPEAKING = ("bpr/cli", "bpr/inventory", "bpr/config.py", "bpr/survey", "bpr/diff")


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return (_literal_text(node.left) or "") + (_literal_text(node.right) or "")
    return None


def bare_messages(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of English text given straight to a sink, not through the catalog."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node) not in _SINKS:
            continue
        arguments = [*node.args, *(k.value for k in node.keywords if k.arg in _TEXT_KEYWORDS)]
        for argument in arguments:
            text = _literal_text(argument)
            if text and _ENGLISH.search(text):
                found.append((argument.lineno, text))
    return found


def _speaking_modules() -> list[Path]:
    paths: list[Path] = []
    for name in _SPEAKING:
        target = ROOT / name
        paths.extend([target] if target.is_file() else sorted(target.rglob("*.py")))
    return paths


def test_no_english_text_reaches_a_user_without_the_catalog() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in _speaking_modules()
        for line, text in bare_messages(path.read_text(encoding="utf-8"))
    ]
    assert not found, "wrap these in _() and add them to bpr/locale/ja/*.po:\n" + "\n".join(found)


def test_the_lint_sees_a_bare_message_and_passes_a_translated_one() -> None:
    assert bare_messages('fail(f"no such file or folder: {x}")\n') == [(1, "no such file or folder: ")]
    assert bare_messages('typer.Option("--x", help="Write the file here.")\n')
    assert bare_messages('sys.stderr.write("bpr: cannot write the output\\n")\n')
    assert not bare_messages('fail(_("no such file or folder: {paths}").format(paths=x))\n')
    assert not bare_messages('handle.write("---\\n")\n')


def test_set_language_switches_and_back() -> None:
    before = current_language()
    try:
        set_language("ja")
        from bpr.i18n import _

        assert _("Show this message and exit.") == "このヘルプを表示して終了する。"
        set_language("en")
        assert _("Show this message and exit.") == "Show this message and exit."
    finally:
        set_language(before)
