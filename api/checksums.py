"""Size and checksums of stored public files, computed once and kept in the cache (OParl 1.1 File: size,
sha1Checksum, sha512Checksum; spec section "Änderungen gegenüber OParl 1.0": sha1 deprecated, sha512 added).

A stored name is unique per upload or build (papers/<uuid>.pdf, packs/<meeting>/<kind>-<uuid>.pdf, the signed
minutes' renditions), so the cache key is the storage name and the size read from storage: a file replaced under
the same name (which the code never does) would change size or, at worst, keep a stale checksum until expiry.
Restricted files are never summed here: each reader receives a copy watermarked for them, so no checksum of the
stored file describes what they get (api.files leaves size and checksums None for them).
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)
CACHE_SECONDS = 90 * 24 * 3600  # a stored name never changes content; kept a quarter, then summed again on demand
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Checksums:
    """`size` in bytes; `sha1` and `sha512` as lower-case hex digests of the stored bytes."""

    size: int
    sha1: str
    sha512: str


def cache_key(name: str, size: int) -> str:
    """ "filesum:<sha256 of the storage name>:<size>" (the name hashed: storage names may hold any characters)."""
    return f"filesum:{hashlib.sha256(name.encode()).hexdigest()}:{size}"


def _summed(field_file) -> Checksums:
    sha1, sha512, size = hashlib.sha1(usedforsecurity=False), hashlib.sha512(), 0
    with field_file.storage.open(field_file.name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            sha1.update(chunk)
            sha512.update(chunk)
            size += len(chunk)
    return Checksums(size, sha1.hexdigest(), sha512.hexdigest())


def _cache_call(method, *args):
    """The cache, or None when it cannot answer (checksums are then computed, not kept: never an error page)."""
    try:
        return method(*args)
    except Exception as error:  # noqa: BLE001 - any cache backend's connection error
        logger.warning("File checksum cache unavailable: %s", error)
        return None


def stored_checksums(field_files: list) -> dict[str, Checksums | None]:
    """{storage name: Checksums, or None when storage has lost the file} for stored FieldFiles (blank ones
    skipped). One cache round trip for all of them, one more to keep the ones summed now; each file missing from
    the cache is read once, in 1 MiB chunks."""
    sizes: dict[str, int | None] = {}
    by_name = {}
    for field_file in field_files:
        if not field_file or field_file.name in sizes:
            continue
        by_name[field_file.name] = field_file
        try:
            sizes[field_file.name] = field_file.storage.size(field_file.name)
        except OSError:
            sizes[field_file.name] = None
    keys = {name: cache_key(name, size) for name, size in sizes.items() if size is not None}
    cached = (_cache_call(cache.get_many, list(keys.values())) or {}) if keys else {}
    result: dict[str, Checksums | None] = {name: None for name, size in sizes.items() if size is None}
    fresh = {}
    for name, key in keys.items():
        found = cached.get(key)
        if isinstance(found, tuple) and len(found) == 3:  # kept as a plain (size, sha1, sha512) tuple
            result[name] = Checksums(*found)
            continue
        try:
            result[name] = fresh[key] = _summed(by_name[name])
        except OSError:
            result[name] = None
    if fresh:
        kept = {key: (sums.size, sums.sha1, sums.sha512) for key, sums in fresh.items()}
        _cache_call(cache.set_many, kept, CACHE_SECONDS)
    return result
