"""Japanese fonts the system knows, for diagrams rendered to PNG and PDF.

On Linux (and wherever fontconfig is) `fc-list :lang=ja` says which they are. Windows has no
fontconfig: its fonts are listed in the registry (HKLM for the machine, HKCU for fonts a user
installed without admin rights) and kept in `%WINDIR%\\Fonts` and
`%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts`; a font file is Japanese when its OS/2 table names the
JIS code page, and its family names (English and Japanese, as fc-list gives them) are read from its
name table. Only the few header bytes are read, never a whole (often 10 MB) file.

Every platform check goes through `on_windows()`, and the registry through `registry_fonts()`, so
that both can be replaced in tests on any system.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

INSTALL_COMMAND = "sudo apt-get install graphviz fonts-noto-cjk"
WINDOWS_INSTALL_COMMAND = "winget install Graphviz.Graphviz"

# Japanese fonts every Windows since 10 (1809) has, best first for diagrams: BIZ UD is the universal-design
# face made for public documents; Yu Gothic ships since 8.1 and Meiryo since Vista.
WINDOWS_FONTS = ("BIZ UDGothic", "Yu Gothic", "Meiryo")
# Sans-serif families that read well in diagrams, best first: Linux's, then Windows'.
PREFERRED_FONTS = (
    "Noto Sans CJK JP",
    "IPAexGothic",
    "IPAGothic",
    "Source Han Sans JP",
    "TakaoGothic",
    "VL Gothic",
    *WINDOWS_FONTS,
)

REGISTRY_KEY = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"
FONT_SUFFIXES = frozenset({".ttf", ".ttc", ".otf", ".otc"})

_JIS_CODE_PAGE = 1 << 17  # OS/2 ulCodePageRange1, bit 17: code page 932, JIS/Japan
_NAME_LANGUAGES = (0x0409, 0x0411)  # the Windows platform's English (US) and Japanese names
_FAMILY, _TYPOGRAPHIC_FAMILY = 1, 16
_MAX_FACES = 64  # a collection (.ttc) holds a handful; more means a damaged file


def on_windows() -> bool:
    """Tell whether bpr runs on Windows."""
    return sys.platform == "win32"


def install_command() -> str:
    """Return the command that installs Graphviz (and, on Linux, a Japanese font) on this system."""
    return WINDOWS_INSTALL_COMMAND if on_windows() else INSTALL_COMMAND


def japanese_fonts() -> list[str] | None:
    """Return the font families the system knows for Japanese, sorted (None when it cannot tell)."""
    return windows_japanese_fonts() if on_windows() else fontconfig_japanese_fonts()


def fontconfig_japanese_fonts() -> list[str] | None:
    """Return the font families fontconfig knows for Japanese, sorted (None when `fc-list` is not available)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run(
            [fc_list, ":lang=ja", "family"], capture_output=True, text=True, errors="replace", timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    families: set[str] = set()
    for line in result.stdout.splitlines():
        # A line lists a family's names in several languages: "IPAexGothic,IPAexゴシック".
        families.update(name.strip().replace("\\-", "-") for name in line.split(",") if name.strip())
    return sorted(families)


def windows_font_folders(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Return Windows' font folders: the machine's (%WINDIR%\\Fonts) and the user's, for installs without admin."""
    env = os.environ if environ is None else environ
    windows = env.get("WINDIR") or env.get("SystemRoot") or "C:\\Windows"
    folders = [Path(windows) / "Fonts"]
    local = env.get("LOCALAPPDATA")
    if local:
        folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return folders


def registry_fonts() -> list[tuple[str, str]] | None:
    """Return (name, file) of every font registered for the machine and the user (None without a registry).

    The file is a name in %WINDIR%\\Fonts for the machine's fonts, a full path for a user's.
    """
    if sys.platform != "win32":
        return None
    try:
        import winreg
    except ImportError:  # a Python built without it
        return None

    found: list[tuple[str, str]] = []
    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(root, REGISTRY_KEY) as key:
                values = winreg.QueryInfoKey(key)[1]
                for index in range(values):
                    name, value, _kind = winreg.EnumValue(key, index)
                    if isinstance(value, str):
                        found.append((name, value))
        except OSError:
            continue  # HKCU has the key only once a user installed a font
    return found


def windows_font_files(registered: Iterable[tuple[str, str]], folders: Sequence[Path]) -> list[Path]:
    """Return the font files the registry names and those in the font folders, each once, sorted."""
    files: dict[str, Path] = {}
    for _name, value in registered:
        path = Path(value)
        if not path.is_absolute() and folders:
            path = folders[0] / value
        files.setdefault(os.path.normcase(str(path)), path)
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            if path.suffix.lower() in FONT_SUFFIXES:
                files.setdefault(os.path.normcase(str(path)), path)
    return sorted(files.values())


def windows_japanese_fonts(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """Return the Japanese font families of Windows' registry and font folders, sorted (None when none is readable)."""
    folders = windows_font_folders(environ)
    registered = registry_fonts()
    if registered is None and not any(folder.is_dir() for folder in folders):
        return None
    families: set[str] = set()
    for path in windows_font_files(registered or (), folders):
        families.update(japanese_families(path))
    return sorted(families)


def japanese_families(path: Path) -> list[str]:
    """Return the family names of the Japanese faces of a TrueType/OpenType file or collection ([] when none or unreadable)."""
    try:
        with path.open("rb") as handle:
            return _japanese_families(handle)
    except (OSError, ValueError, struct.error):
        return []


def _japanese_families(handle: BinaryIO) -> list[str]:
    families: list[str] = []
    for offset in _face_offsets(handle):
        tables = _table_directory(handle, offset)
        if _names_jis_code_page(handle, tables):
            families.extend(name for name in _family_names(handle, tables) if name not in families)
    return families


def _read(handle: BinaryIO, offset: int, size: int) -> bytes:
    handle.seek(offset)
    data = handle.read(size)
    if len(data) != size:
        raise ValueError("the font file ends early")
    return data


def _face_offsets(handle: BinaryIO) -> list[int]:
    if _read(handle, 0, 4) != b"ttcf":
        return [0]
    (count,) = struct.unpack(">I", _read(handle, 8, 4))
    if count > _MAX_FACES:
        raise ValueError("not a font collection")
    return list(struct.unpack(f">{count}I", _read(handle, 12, 4 * count)))


def _table_directory(handle: BinaryIO, offset: int) -> dict[bytes, tuple[int, int]]:
    (count,) = struct.unpack(">H", _read(handle, offset + 4, 2))
    directory = _read(handle, offset + 12, 16 * count)
    tables: dict[bytes, tuple[int, int]] = {}
    for start in range(0, len(directory), 16):
        table_offset, length = struct.unpack(">II", directory[start + 8 : start + 16])
        tables[directory[start : start + 4]] = (table_offset, length)
    return tables


def _names_jis_code_page(handle: BinaryIO, tables: Mapping[bytes, tuple[int, int]]) -> bool:
    os2 = tables.get(b"OS/2")
    if os2 is None or os2[1] < 82:  # version 0 tables end before the code page ranges
        return False
    (version,) = struct.unpack(">H", _read(handle, os2[0], 2))
    (pages,) = struct.unpack(">I", _read(handle, os2[0] + 78, 4))
    return version >= 1 and bool(pages & _JIS_CODE_PAGE)


def _family_names(handle: BinaryIO, tables: Mapping[bytes, tuple[int, int]]) -> list[str]:
    name = tables.get(b"name")
    if name is None:
        return []
    data = _read(handle, name[0], name[1])
    _format, count, strings = struct.unpack(">HHH", data[:6])
    names: list[str] = []
    for start in range(6, 6 + 12 * count, 12):
        platform, encoding, language, name_id, length, offset = struct.unpack(">6H", data[start : start + 12])
        if platform != 3 or encoding not in (1, 10) or language not in _NAME_LANGUAGES:
            continue
        # Both the family of the face ("Yu Gothic Light") and the typographic one that groups the weights.
        if name_id in (_FAMILY, _TYPOGRAPHIC_FAMILY):
            text = data[strings + offset : strings + offset + length].decode("utf-16-be", errors="replace").strip()
            if text and text not in names:
                names.append(text)
    return names


def resolve_font(configured: str, available: Sequence[str] | None) -> str:
    """Return the configured font when the system has it (or cannot tell), else the best Japanese font it has."""
    if available is None or not available or configured in available:
        return configured
    lowered = {name.casefold(): name for name in available}
    if configured.casefold() in lowered:
        return lowered[configured.casefold()]
    for name in PREFERRED_FONTS:
        if name in available:
            return name
    sans = [name for name in available if "sans" in name.casefold() or "gothic" in name.casefold()]
    return (sans or list(available))[0]


def installed_fonts_signature() -> bytes:
    """Return a digest of the font files the system has: Graphviz measures text with them, so a drawing depends on them.

    Where fontconfig is (Linux, and Graphviz's own on Windows when `fc-list` is on PATH): every file it
    lists, with its face index, font version, size and time; on Windows without it, the files of its font
    folders. Installing, removing or updating a font changes it.
    """
    digest = hashlib.sha256()
    listed = _fontconfig_files()
    if listed is not None:
        digest.update(b"fontconfig\n")
        for line in listed:
            digest.update(line.encode("utf-8", errors="replace") + b"\t" + _file_stamp(line.split("\t", 1)[0]) + b"\n")
    elif on_windows():
        digest.update(b"windows\n")
        for folder in windows_font_folders():
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in entries:
                if Path(entry.name).suffix.lower() in FONT_SUFFIXES:
                    digest.update(
                        f"{folder}\t{entry.name}\t".encode(errors="replace") + _file_stamp(entry.path) + b"\n"
                    )
    else:
        digest.update(b"no font list")
    return digest.digest()


def _fontconfig_files() -> list[str] | None:
    """Return fontconfig's fonts as sorted lines "file<TAB>index<TAB>version", or None without a working `fc-list`."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run(
            [fc_list, "--format", "%{file}\t%{index}\t%{fontversion}\n"],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return sorted(set(result.stdout.splitlines()))


def _file_stamp(path: str) -> bytes:
    """Return a file's size and modification time, or "missing"."""
    try:
        stat = os.stat(path)
    except OSError:
        return b"missing"
    return f"{stat.st_size} {stat.st_mtime_ns}".encode()
