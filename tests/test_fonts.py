"""Japanese fonts on Windows, tested on any system: font files built here, a fake registry, tmp folders as Windows'."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from bpr.export import fonts
from bpr.export.fonts import (
    install_command,
    japanese_families,
    japanese_fonts,
    registry_fonts,
    resolve_font,
    windows_font_files,
    windows_font_folders,
    windows_japanese_fonts,
)

JIS = 1 << 17  # OS/2 code page bit of JIS/Japan
LATIN = 1 << 0
ENGLISH, JAPANESE, FRENCH = 0x0409, 0x0411, 0x040C
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def face(names: dict[tuple[int, int], str], code_pages: int, os2_version: int = 1, base: int = 0) -> bytes:
    """Return a TrueType face with an OS/2 and a name table, its tables placed as if it began at `base`."""
    records, strings = b"", b""
    for (language, name_id), text in names.items():
        encoded = text.encode("utf-16-be")
        records += struct.pack(">6H", 3, 1, language, name_id, len(encoded), len(strings))
        strings += encoded
    name = struct.pack(">3H", 0, len(names), 6 + len(records)) + records + strings
    os2 = bytearray(86)
    struct.pack_into(">H", os2, 0, os2_version)
    struct.pack_into(">I", os2, 78, code_pages)
    tables = [(b"OS/2", bytes(os2)), (b"name", name)]
    offset = base + 12 + 16 * len(tables)
    directory, body = b"", b""
    for tag, data in tables:
        directory += tag + struct.pack(">3I", 0, offset + len(body), len(data))
        body += data
    return struct.pack(">I4H", 0x00010000, len(tables), 0, 0, 0) + directory + body


def collection(*faces: dict[tuple[int, int], str], code_pages: int = JIS) -> bytes:
    """Return a font collection (.ttc) of faces, each with the given code pages."""
    start = 12 + 4 * len(faces)
    offsets, body = [], b""
    for names in faces:
        offsets.append(start + len(body))
        body += face(names, code_pages, base=start + len(body))
    return b"ttcf" + struct.pack(">2HI", 1, 0, len(faces)) + struct.pack(f">{len(faces)}I", *offsets) + body


def biz_ud() -> bytes:
    """Return a Japanese face named in English and Japanese (and French, which is not listed)."""
    return face(
        {(ENGLISH, 1): "BIZ UDGothic", (JAPANESE, 1): "BIZ UDゴシック", (FRENCH, 1): "BIZ UDGothique"}, JIS | LATIN
    )


def test_a_japanese_face_gives_its_english_and_japanese_family(tmp_path: Path) -> None:
    path = tmp_path / "BIZ-UDGothicR.ttc"
    path.write_bytes(biz_ud())
    assert japanese_families(path) == ["BIZ UDGothic", "BIZ UDゴシック"]


def test_a_face_without_the_jis_code_page_is_not_japanese(tmp_path: Path) -> None:
    latin = tmp_path / "arial.ttf"
    latin.write_bytes(face({(ENGLISH, 1): "Arial"}, LATIN))
    old = tmp_path / "old.ttf"  # an OS/2 table of version 0 has no code page ranges
    old.write_bytes(face({(ENGLISH, 1): "Old"}, JIS, os2_version=0))
    assert japanese_families(latin) == []
    assert japanese_families(old) == []


def test_the_typographic_family_comes_with_the_face_family(tmp_path: Path) -> None:
    path = tmp_path / "YuGothL.ttc"
    path.write_bytes(face({(ENGLISH, 1): "Yu Gothic Light", (ENGLISH, 16): "Yu Gothic"}, JIS))
    assert japanese_families(path) == ["Yu Gothic Light", "Yu Gothic"]


def test_every_face_of_a_collection_is_read(tmp_path: Path) -> None:
    path = tmp_path / "meiryo.ttc"
    path.write_bytes(collection({(ENGLISH, 1): "Meiryo", (JAPANESE, 1): "メイリオ"}, {(ENGLISH, 1): "Meiryo UI"}))
    assert japanese_families(path) == ["Meiryo", "メイリオ", "Meiryo UI"]


@pytest.mark.parametrize(
    "content",
    [b"", b"not a font at all", biz_ud()[:40], biz_ud()[:-10], b"ttcf" + struct.pack(">2HI", 1, 0, 10**6)],
    ids=["empty", "text", "cut-in-directory", "cut-in-names", "huge-collection"],
)
def test_a_damaged_file_gives_no_family(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.ttf"
    path.write_bytes(content)
    assert japanese_families(path) == []


def test_a_missing_file_gives_no_family(tmp_path: Path) -> None:
    assert japanese_families(tmp_path / "gone.ttf") == []


@pytest.mark.skipif(not NOTO_CJK.is_file(), reason="Noto Sans CJK is not installed")
def test_a_real_collection_is_read_as_fontconfig_reads_it() -> None:
    families = japanese_families(NOTO_CJK)
    assert "Noto Sans CJK JP" in families and "Noto Sans Mono CJK JP" in families


def test_windows_font_folders_are_the_machines_and_the_users(tmp_path: Path) -> None:
    env = {"WINDIR": str(tmp_path / "Windows"), "LOCALAPPDATA": str(tmp_path / "Local")}
    assert windows_font_folders(env) == [
        tmp_path / "Windows" / "Fonts",
        tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts",
    ]
    assert windows_font_folders({"SystemRoot": "D:\\WIN"}) == [Path("D:\\WIN") / "Fonts"]
    assert windows_font_folders({}) == [Path("C:\\Windows") / "Fonts"]


@pytest.fixture
def windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Play Windows: sys.platform, %WINDIR% and %LOCALAPPDATA% in tmp_path, and a registry of two fonts.

    The machine's folder holds Meiryo and Arial; the user installed BIZ UD without admin rights (in
    the per-user folder) and Yu Gothic elsewhere, which only the registry names.
    """
    system = tmp_path / "Windows" / "Fonts"
    user = tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    elsewhere = tmp_path / "elsewhere"
    for folder in (system, user, elsewhere):
        folder.mkdir(parents=True)
    (system / "meiryo.ttc").write_bytes(collection({(ENGLISH, 1): "Meiryo"}, {(ENGLISH, 1): "Meiryo UI"}))
    (system / "arial.ttf").write_bytes(face({(ENGLISH, 1): "Arial"}, LATIN))
    (system / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    (user / "BIZ-UDGothicR.ttc").write_bytes(biz_ud())
    (elsewhere / "YuGothR.ttc").write_bytes(face({(ENGLISH, 1): "Yu Gothic", (JAPANESE, 1): "游ゴシック"}, JIS))
    registered = [
        ("Meiryo & Meiryo UI (TrueType)", "meiryo.ttc"),
        ("Arial (TrueType)", "arial.ttf"),
        ("Yu Gothic Regular (TrueType)", str(elsewhere / "YuGothR.ttc")),
        ("Gone (TrueType)", "gone.ttf"),
    ]
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(fonts, "registry_fonts", lambda: registered)
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    return {"system": system, "user": user, "elsewhere": elsewhere}


def test_windows_fonts_come_from_the_registry_and_both_folders(windows: dict[str, Path]) -> None:
    assert japanese_fonts() == ["BIZ UDGothic", "BIZ UDゴシック", "Meiryo", "Meiryo UI", "Yu Gothic", "游ゴシック"]


def test_windows_font_files_are_listed_once(windows: dict[str, Path]) -> None:
    files = windows_font_files(fonts.registry_fonts() or [], windows_font_folders())
    assert files.count(windows["system"] / "meiryo.ttc") == 1
    assert windows["elsewhere"] / "YuGothR.ttc" in files
    assert windows["system"] / "desktop.ini" not in files


def test_windows_without_a_registry_still_reads_the_folders(
    windows: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "registry_fonts", lambda: None)
    assert windows_japanese_fonts() == ["BIZ UDGothic", "BIZ UDゴシック", "Meiryo", "Meiryo UI"]


def test_windows_with_nothing_readable_cannot_tell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "registry_fonts", lambda: None)
    assert windows_japanese_fonts({"WINDIR": str(tmp_path / "none")}) is None


def test_the_registry_is_read_on_windows_only() -> None:
    if sys.platform == "win32":
        names = registry_fonts()
        assert names is not None and any(value.lower().endswith((".ttf", ".ttc")) for _name, value in names)
    else:
        assert registry_fonts() is None


def test_the_registry_is_not_asked_without_winreg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "winreg", None)  # an import of it raises ImportError
    assert registry_fonts() is None


def test_the_default_font_falls_back_to_windows_japanese_fonts() -> None:
    default = "Noto Sans CJK JP"
    windows_10 = ["BIZ UDGothic", "BIZ UDPGothic", "MS Gothic", "Meiryo", "Meiryo UI", "Yu Gothic", "游ゴシック"]
    assert resolve_font(default, windows_10) == "BIZ UDGothic"
    assert resolve_font(default, ["MS Gothic", "Meiryo", "Yu Gothic"]) == "Yu Gothic"
    assert resolve_font(default, ["MS Gothic", "Meiryo", "メイリオ"]) == "Meiryo"
    assert resolve_font("Meiryo", windows_10) == "Meiryo"
    assert resolve_font(default, ["Noto Sans CJK JP", *windows_10]) == default


def test_the_install_command_is_the_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert install_command() == "sudo apt-get install graphviz fonts-noto-cjk"
    monkeypatch.setattr(sys, "platform", "win32")
    assert install_command() == "winget install Graphviz.Graphviz"
