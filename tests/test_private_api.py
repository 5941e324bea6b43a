"""Typer's and openpyxl's private parts, each used by one adapter module, exist in the versions installed.

bpr/cli/clicktext.py reaches into typer._click and bpr/export/openpyxl_adapter.py into openpyxl's writer:
neither library promises them from one release to the next. pyproject.toml bounds both below their next
minor version; these tests fail loudly, naming what moved, when a new version is tried.
"""

from __future__ import annotations

import importlib
import re

import pytest

from conftest import ROOT

# What each adapter uses: module, then the names it reads from it.
TYPER_PRIVATE = {
    "typer._click.utils": ("echo",),
    "typer._click._compat": ("get_text_stderr", "strip_ansi"),
    "typer._click.core": ("Command", "Context"),
    "typer._click.exceptions": ("ClickException", "UsageError"),
    "typer._click.formatting": ("HelpFormatter", "wrap_text", "term_len"),
    "typer.core": ("TyperGroup", "_"),
}
OPENPYXL_PRIVATE = {
    "openpyxl.writer.excel": ("ExcelWriter",),
    "openpyxl.worksheet.hyperlink": ("Hyperlink",),
    "openpyxl.comments.comment_sheet": ("CommentRecord",),
}


@pytest.mark.parametrize(("module", "names"), [*TYPER_PRIVATE.items(), *OPENPYXL_PRIVATE.items()])
def test_each_private_name_an_adapter_uses_exists(module: str, names: tuple[str, ...]) -> None:
    loaded = importlib.import_module(module)
    missing = [name for name in names if not hasattr(loaded, name)]
    assert not missing, f"{module} no longer has {missing}: update the adapter before raising the bound"


def test_the_help_formatter_keeps_the_method_bpr_wraps() -> None:
    from typer._click import core, formatting

    assert callable(formatting.HelpFormatter.write_usage)
    assert callable(core.Command.get_help_option)


def test_the_adapters_name_every_private_module_they_import() -> None:
    # A new private import in an adapter must be listed here, so that a new version is checked for it too.
    for path, listed in (
        (ROOT / "bpr" / "cli" / "clicktext.py", TYPER_PRIVATE),
        (ROOT / "bpr" / "export" / "openpyxl_adapter.py", OPENPYXL_PRIVATE),
    ):
        source = path.read_text(encoding="utf-8")
        imported = set(re.findall(r"from (typer\._click(?:\.\w+)?|openpyxl[\w.]*) import", source))
        imported |= {
            f"{base}.{name.strip()}"
            for base, names in re.findall(r"from (typer\._click) import ([\w, ]+)", source)
            for name in names.split(",")
            if " as " not in name
        }
        imported |= {f"typer._click.{m}" for m in re.findall(r"from typer\._click import (\w+) as", source)}
        imported.discard("typer._click")
        assert imported <= set(listed), sorted(imported - set(listed))


def test_both_libraries_are_bounded_below_their_next_minor() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"typer>=0.29,<0.30"' in text
    assert '"openpyxl>=3.1.3,<3.2"' in text
