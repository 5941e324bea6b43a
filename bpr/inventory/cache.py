"""A content-addressed cache of per-file loading results, in $XDG_CACHE_HOME/bpr (default ~/.cache/bpr).

An entry is keyed by the SHA-256 of the file's bytes, of a fingerprint of the code that produced
it (the bpr version, the source of ``bpr/inventory``, Python and the parsing libraries), and of the
language of its messages with that language's compiled catalog, so editing any of them invalidates it:
the problems of an entry are stored as said, and a run in Japanese never shows the English messages an
English run stored for the same bytes (nor the reverse, nor the words of an older catalog). An entry is written to a temporary file and renamed into place, so a reader
never sees half of one; it starts with a magic word and an HMAC-SHA256 of its key and payload under a
key kept outside the cache folder (`secret_path`), and any entry that does not check out, or fails to load
in any way, is ignored (and rewritten by the next load): a cache restored in CI or shared between
machines cannot turn a failing check green (issue 24, item 9). The
whole folder is safe to delete at any time. ``BPR_NO_CACHE=1`` or ``--no-cache`` bypasses it.

A payload is data only (JSON: the facts line of `bpr.inventory.facts`, then the whole entry of
`bpr.inventory.packing`): whoever can write the folder can at worst make bpr parse a file again. After a
load that wrote entries, the oldest entries are removed until the folder holds at most ``BPR_CACHE_MAX_BYTES``
(default 256 MiB).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import sys
from functools import lru_cache
from pathlib import Path

import bpr
from bpr.i18n import DOMAIN, LOCALE_DIR, current_language

MAGIC = b"BPRCACHE5\n"
DIGEST_SIZE = 32
NO_CACHE_ENV = "BPR_NO_CACHE"
MAX_BYTES_ENV = "BPR_CACHE_MAX_BYTES"
DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024


def cache_disabled_by_env() -> bool:
    """Tell whether BPR_NO_CACHE asks to bypass the cache (any value but '', '0', 'false', 'no')."""
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def cache_max_bytes() -> int:
    """Return the size cap of the cache: BPR_CACHE_MAX_BYTES when it is a whole number, else 256 MiB."""
    value = os.environ.get(MAX_BYTES_ENV, "").strip()
    return int(value) if value.isascii() and value.isdigit() else DEFAULT_CACHE_MAX_BYTES


def secret_path() -> Path:
    """Return where the key that signs cache entries lives: $XDG_CONFIG_HOME/bpr/cache-key, else ~/.config/bpr.

    Outside the cache folder on purpose: a cache shared between machines or restored in CI travels without
    it, so a forged entry (valid JSON with a valid checksum that hides a file's errors) is never believed.
    """
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".config"
    return root / "bpr" / "cache-key"


@lru_cache(maxsize=4)
def _secret_at(path: Path) -> bytes | None:
    """Return the signing key at `path`, made (32 random bytes, readable by its owner only) when missing.

    A new key is written to a file of its own and then linked into place, which fails if a key is there
    already: a thread or process that reads the key never sees one half written (it once read an empty
    file while another thread was making it, and went on without a cache).
    """
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        return _made_secret(path)
    except OSError:
        return None
    return key if len(key) >= 32 else None


def _made_secret(path: Path) -> bytes | None:
    """Make the signing key at `path`, or return the one another thread or process made first."""
    import threading

    key = os.urandom(32)
    draft = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(key)
        try:
            os.link(draft, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: replacing is atomic too (the last key made wins)
            os.replace(draft, path)
    except FileExistsError:
        try:
            found = path.read_bytes()
        except OSError:
            return None
        return found if len(found) >= 32 else None
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(draft)
    return key


def signing_key() -> bytes | None:
    """Return the key that signs cache entries, or None when it can be neither read nor made (no cache then)."""
    return _secret_at(secret_path())


def default_cache_dir() -> Path:
    """Return $XDG_CACHE_HOME/bpr when XDG_CACHE_HOME is an absolute path, else ~/.cache/bpr."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "bpr"


def _installed(name: str) -> str:
    """Return what identifies an installed package without importing it: the name, size and time of its files.

    Not its version: importing pydantic, pydantic_core and ruamel.yaml for theirs cost a one-file `bpr validate`
    a third of its start-up when every file is in the cache, and importlib.metadata a tenth (docs/performance.md).
    A reinstall or an upgrade writes the files again, which changes their times.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return f"{name} -"
    if spec is None:
        return f"{name} -"
    folders = list(spec.submodule_search_locations or [])
    if not folders and spec.origin:
        folders = [os.path.dirname(spec.origin)]
    found = []
    for folder in folders:
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    if entry.is_file(follow_symlinks=False):
                        stat = entry.stat(follow_symlinks=False)
                        found.append(f"{entry.name} {stat.st_size} {stat.st_mtime_ns}")
        except OSError:
            found.append(f"{folder} unreadable")
    if not spec.submodule_search_locations and spec.origin:  # a module of one file (the C parser): that file only
        found = [item for item in found if item.startswith(os.path.basename(spec.origin) + " ")]
    return f"{name} " + "|".join(sorted(found))


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """Return a digest of everything besides a file's bytes that decides its loading result."""
    digest = hashlib.sha256()
    versions = (
        f"bpr {bpr.__version__}",
        f"python {sys.implementation.name} {sys.version_info[:3]}",
        *(_installed(name) for name in ("pydantic", "pydantic_core", "ruamel.yaml", "_ruamel_yaml")),
    )
    digest.update("\n".join(versions).encode())
    # An editable install changes without a version bump: the loader's own source is part of the key.
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0")
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.digest()


@lru_cache(maxsize=4)
def language_fingerprint(language: str) -> bytes:
    """Return a digest of the language messages are said in, and of its compiled catalog (none for English)."""
    digest = hashlib.sha256(f"language {language}".encode())
    try:
        digest.update((LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes())
    except OSError:
        digest.update(b"no catalog")  # English: the message ids themselves
    return digest.digest()


def _signature(key: str, payload: bytes) -> bytes | None:
    """Return the HMAC-SHA256 of an entry's key and payload under the signing key (None without a key)."""
    secret = signing_key()
    if secret is None:
        return None
    return hmac.new(secret, key.encode("ascii") + b"\0" + payload, hashlib.sha256).digest()


class FileCache:
    """Entries of bytes under a folder, one file per key, written atomically and checked on read.

    `part` names the subfolder of the cache the entries live in: `files` for the loading results,
    `renders` for the diagrams Graphviz drew (bpr/export/diagram/cache.py); each part is pruned on its own.
    """

    def __init__(self, root: Path, part: str = "files") -> None:
        self.root = root
        self.part = part

    def key(self, raw: bytes) -> str:
        """Return the key of a file's bytes under the current code and in the language of the run."""
        return hashlib.sha256(code_fingerprint() + language_fingerprint(current_language()) + raw).hexdigest()

    def entry_path(self, key: str) -> Path:
        """Return where the entry of a key lives."""
        return self.root / self.part / key[:2] / key

    def get(self, key: str) -> bytes | None:
        """Return the payload of an entry, or None when it is missing, unreadable or corrupt."""
        try:
            blob = self.entry_path(key).read_bytes()
        except (OSError, ValueError):
            return None
        header = len(MAGIC) + DIGEST_SIZE
        if len(blob) < header or not blob.startswith(MAGIC):
            return None
        payload = blob[header:]
        expected = _signature(key, payload)
        if expected is None or not hmac.compare_digest(expected, blob[len(MAGIC) : header]):
            return None
        return payload

    def put(self, key: str, payload: bytes) -> bool:
        """Write an entry atomically; return False, leaving no trace, when the folder cannot be written."""
        target = self.entry_path(key)
        signature = _signature(key, payload)
        if signature is None:
            return False
        temp: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            import tempfile

            handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(MAGIC + signature + payload)
            os.replace(temp, target)
        except OSError:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
            return False
        return True

    def prune(self, max_bytes: int) -> None:
        """Remove the oldest entries (by time written) until the entries take at most max_bytes."""
        found: list[tuple[float, int, str]] = []
        try:
            shards = list(os.scandir(self.root / self.part))
        except OSError:
            return
        for shard in shards:
            try:
                with os.scandir(shard.path) as listing:
                    for entry in listing:
                        stat = entry.stat(follow_symlinks=False)
                        found.append((stat.st_mtime, stat.st_size, entry.path))
            except OSError:
                continue
        total = sum(size for _, size, _ in found)
        for _, size, path in sorted(found):
            if total <= max_bytes:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            total -= size
