"""Japanese fonts that fontconfig knows, for diagrams rendered to PNG and PDF."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

INSTALL_COMMAND = "sudo apt-get install graphviz fonts-noto-cjk"

# Sans-serif families that read well in diagrams, best first.
PREFERRED_FONTS = ("Noto Sans CJK JP", "IPAexGothic", "IPAGothic", "Source Han Sans JP", "TakaoGothic", "VL Gothic")


def japanese_fonts() -> list[str] | None:
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


def resolve_font(configured: str, available: Sequence[str] | None) -> str:
    """Return the configured font when fontconfig has it (or cannot tell), else the best Japanese font it has."""
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
