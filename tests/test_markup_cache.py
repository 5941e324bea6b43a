"""The report's cache of sanitised diagrams: the same pages with it and without, and nothing believed unchecked."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.export.report import markup_cache, svg
from bpr.export.report.markup_cache import MarkupCache
from bpr.export.report.svg import SvgStyles, embeddable_svg
from bpr.inventory import cache as file_cache

from conftest import generate

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<svg width="80pt" height="40pt" viewBox="0 0 80 40" '
    'xmlns="http://www.w3.org/2000/svg"><g id="graph0" class="graph" transform="scale(1 1) rotate(0) '
    'translate(4 36)"><g class="node"><title>a</title><polygon fill="#fff1bf" stroke="#a07800" '
    'points="0,-30 40,-30 40,0 0,0 0,-30"/><text text-anchor="middle" x="20" y="-12" font-size="12">届出</text>'
    '</g><path fill="none" stroke="#b8b8b8" d="M1,-1C1,-5 1,-9 1,-20"/></g></svg>\n'
).encode()


def digests(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under a folder, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_report_is_the_same_with_the_cache_cold_warm_and_without(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = generate(tmp_path / "inventory", 12, 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765000000")
    sanitised = []
    real = svg.embeddable_svg
    monkeypatch.setattr(svg, "embeddable_svg", lambda *args: sanitised.append(args[0]) or real(*args))
    for out in ("cold", "warm"):
        result = runner.invoke(app, ["-q", "report", str(inventory), "-o", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
    assert len(sanitised) == 12  # each diagram sanitised once, on the cold run
    monkeypatch.setenv("BPR_NO_CACHE", "1")
    assert runner.invoke(app, ["-q", "report", str(inventory), "-o", str(tmp_path / "none")]).exit_code == 0
    assert len(sanitised) == 24
    assert digests(tmp_path / "cold") == digests(tmp_path / "warm") == digests(tmp_path / "none")


def test_kept_markup_takes_the_report_s_classes_in_the_order_sanitising_gives_them() -> None:
    cache = MarkupCache.open()
    assert cache is not None
    other = SVG.replace(b"#fff1bf", b"#d5e8ff")
    for round_ in ("made", "kept"):
        with_cache, without = SvgStyles(), SvgStyles()
        for raw, title in ((other, "一"), (SVG, "<二>"), (other, "三")):
            assert cache.markup(raw, title, with_cache) == embeddable_svg(raw, title, without), round_
        assert with_cache.css() == without.css()


def _signed(key: str, payload: bytes) -> bytes:
    """Return an entry as bpr would write it: magic, HMAC under this machine's key, payload."""
    secret = file_cache.signing_key()
    assert secret is not None
    signature = hmac.new(secret, key.encode("ascii") + b"\0" + payload, hashlib.sha256).digest()
    return file_cache.MAGIC + signature + payload


def _entry(markup: str, styles: object) -> bytes:
    return zlib.compress(json.dumps({"markup": markup, "styles": styles}).encode())


GOOD_BODY = '<svg width="80pt" role="img" class="flow"><path class="\x000\x00" d="M1,1V9"/></svg>'
DAMAGES = {
    "truncated": lambda key, blob: blob[: len(blob) // 2],
    "a byte flipped": lambda key, blob: blob[:-10] + bytes([blob[-10] ^ 1]) + blob[-9:],
    "empty": lambda key, blob: b"",
    "signed, not zlib": lambda key, blob: _signed(key, b'{"markup": "<svg ></svg>", "styles": []}'),
    "signed, more after": lambda key, blob: _signed(key, _entry("<svg ></svg>", []) + b"junk"),
    "signed, not json": lambda key, blob: _signed(key, zlib.compress(b"<svg ></svg>")),
    "signed, a third field": lambda key, blob: _signed(
        key, zlib.compress(json.dumps({"markup": "<svg ></svg>", "styles": [], "x": 1}).encode())
    ),
    "signed, a script after the svg": lambda key, blob: _signed(
        key, _entry("<svg ></svg><script>alert(1)</script><svg ></svg>", [])
    ),
    "signed, a title of its own": lambda key, blob: _signed(key, _entry("<svg ><title>x</title></svg>", [])),
    "signed, a style out of report.css": lambda key, blob: _signed(
        key, _entry(GOOD_BODY, [[["fill", "red}body{display:none"]]])
    ),
    "signed, an unknown presentation attribute": lambda key, blob: _signed(
        key, _entry(GOOD_BODY, [[["behavior", "url(x.htc)"]]])
    ),
    "signed, a class with no style": lambda key, blob: _signed(key, _entry(GOOD_BODY, [])),
    "signed, a stray NUL": lambda key, blob: _signed(
        key, _entry(GOOD_BODY.replace("M1", "\x00M1"), [[["fill", "red"]]])
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_or_hostile_entry_is_a_miss_and_is_replaced(damage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = MarkupCache.open()
    assert cache is not None
    expected = embeddable_svg(SVG, "題", SvgStyles())
    assert cache.markup(SVG, "題", SvgStyles()) == expected
    key = cache.key(SVG)
    good = cache.get(key)
    assert good is not None
    entry = cache.store.entry_path(key)
    entry.write_bytes(DAMAGES[damage](key, entry.read_bytes()))
    assert cache.get(key) is None
    sanitised = []
    real = svg.embeddable_svg
    monkeypatch.setattr(svg, "embeddable_svg", lambda *args: sanitised.append(args[0]) or real(*args))
    assert cache.markup(SVG, "題", SvgStyles()) == expected
    assert sanitised == [SVG]  # sanitised again
    assert cache.get(key) == good  # and kept anew


def test_the_key_changes_with_the_svg_and_with_the_sanitiser(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = MarkupCache(file_cache.FileCache(Path("unused")))
    first = cache.key(SVG)
    assert cache.key(SVG + b" ") != first
    markup_cache._context.cache_clear()
    monkeypatch.setattr(markup_cache.bpr, "__version__", "0.0.0-other")
    assert cache.key(SVG) != first
    markup_cache._context.cache_clear()


def test_an_svg_the_sanitiser_refuses_is_refused_and_never_kept() -> None:
    cache = MarkupCache.open()
    assert cache is not None
    hostile = b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    with pytest.raises(svg.UnsafeSvg):
        cache.markup(hostile, "t", SvgStyles())
    assert not cache.store.entry_path(cache.key(hostile)).exists()


def test_no_cache_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BPR_NO_CACHE", "1")
    assert MarkupCache.open() is None
