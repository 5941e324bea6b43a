"""openpyxl's private API is used in bpr/export/openpyxl_adapter.py and nowhere else in bpr (issue 22).

A private name of openpyxl is one its own source gives a leading underscore: an attribute (``_writer``,
``_style``, ``_cell_styles`` …) or a module (``openpyxl.worksheet._writer``); ``openpyxl.writer``, the
package of ExcelWriter, is internal too. A new use belongs in the adapter, with the reason it is needed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT

ADAPTER = ROOT / "bpr" / "export" / "openpyxl_adapter.py"
# Packages of openpyxl that are internal although their names have no underscore.
INTERNAL_PACKAGES = ("openpyxl.writer",)
_DEFINED = re.compile(r"(?:\.|\bdef |^\s*)(_[A-Za-z][A-Za-z0-9_]*)(?<!__)\b", re.MULTILINE)


@pytest.fixture(scope="module")
def private_names() -> frozenset[str]:
    """Return every non-dunder name with a leading underscore that openpyxl's source defines or reads."""
    names: set[str] = set()
    for path in Path(openpyxl.__file__).parent.rglob("*.py"):
        names.update(name for name in _DEFINED.findall(path.read_text(encoding="utf-8")) if not name.endswith("__"))
    return frozenset(names)


def private_uses(source: str, private: frozenset[str]) -> list[str]:
    """Return the uses of openpyxl's private API in a module's source, as 'LINE: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        # A class reading its own state (self._x, cls._x) is not reading openpyxl's.
        own = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        if isinstance(node, ast.Attribute) and node.attr in private and not own:
            found.append(f"{node.lineno}: .{node.attr}")
        modules = []
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        internal = next((module for module in modules if _is_internal(module)), None)
        if internal is not None:
            found.append(f"{node.lineno}: import {internal}")
    return sorted(set(found), key=lambda text: (int(text.split(":")[0]), text))


def _is_internal(module: str) -> bool:
    """Tell whether a dotted name is a private or internal module (or a private name in a module) of openpyxl."""
    parts = module.split(".")
    return parts[0] == "openpyxl" and (
        any(part.startswith("_") for part in parts)
        or any(module == package or module.startswith(f"{package}.") for package in INTERNAL_PACKAGES)
    )


def test_no_module_but_the_adapter_uses_openpyxls_private_api(private_names: frozenset[str]) -> None:
    offenders = {
        path.relative_to(ROOT).as_posix(): uses
        for path in sorted((ROOT / "bpr").rglob("*.py"))
        if path != ADAPTER and (uses := private_uses(path.read_text(encoding="utf-8"), private_names))
    }
    assert offenders == {}, "move these into bpr/export/openpyxl_adapter.py, saying why each is needed"


def test_the_check_finds_each_private_use_the_adapter_makes(private_names: frozenset[str]) -> None:
    # The check must be able to fail: it finds, in the adapter, every use the adapter's docstring lists.
    found = "\n".join(private_uses(ADAPTER.read_text(encoding="utf-8"), private_names))
    for use in ("import openpyxl.writer.excel", "._writer", "._get_writer", "._hyperlinks", "._style", "._cell_styles"):
        assert use in found, found


def test_the_check_finds_a_private_use_and_passes_a_class_reading_its_own_state(
    private_names: frozenset[str],
) -> None:
    probe = (
        "from openpyxl.cell._writer import write_cell\n"
        "def rows(sheet):\n"
        "    return sheet._writer.out\n"
        "class Rows:\n"
        "    def __init__(self):\n"
        "        self._writer = None\n"
        "    def close(self):\n"
        "        return self._writer\n"
    )
    assert private_uses(probe, private_names) == ["1: import openpyxl.cell._writer", "3: ._writer"]


def test_a_file_compressed_ahead_is_the_same_archive_as_one_compressed_by_the_archive(tmp_path: Path) -> None:
    import datetime as dt
    import random
    import zipfile

    from bpr.export.openpyxl_adapter import StampedZip, deflate_file

    generator = random.Random(7)
    words = ["<c r='A1' t='inlineStr'><is><t>", "住民票の写しの交付", "</t></is></c>", "<row r='2'>", "x" * 40]
    sheet = tmp_path / "sheet.xml"
    # Over the archive's 1 MiB chunk, so that deflate sees its input in more than one piece.
    sheet.write_text("".join(generator.choice(words) for _ in range(200_000)), encoding="utf-8")
    stamp = dt.datetime(2024, 4, 1)
    with StampedZip(tmp_path / "plain.zip", stamp) as archive:
        archive.writestr("a.xml", "<a/>")
        archive.write(sheet, "xl/worksheets/sheet1.xml")
        archive.writestr("b.xml", "<b/>")
    ready = deflate_file(str(sheet), str(tmp_path / "sheet.deflated"))
    assert ready.size == sheet.stat().st_size > 1 << 20
    with StampedZip(tmp_path / "ahead.zip", stamp, {str(sheet): ready}) as archive:
        archive.writestr("a.xml", "<a/>")
        archive.write(sheet, "xl/worksheets/sheet1.xml")
        archive.writestr("b.xml", "<b/>")
    assert (tmp_path / "ahead.zip").read_bytes() == (tmp_path / "plain.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "ahead.zip") as archive:
        assert archive.testzip() is None
        assert archive.read("xl/worksheets/sheet1.xml") == sheet.read_bytes()
