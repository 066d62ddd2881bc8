"""Size and checksums of stored public files, computed once and kept in the cache (OParl 1.1 File: size,
sha1Checksum, sha512Checksum; spec section "Änderungen gegenüber OParl 1.0": sha1 deprecated, sha512 added).

A stored name is unique per upload or build (papers/<uuid>.pdf, packs/<meeting>/<kind>-<uuid>.pdf; storage adds a
suffix to a signed minutes rendition's name while an older file holds it), so the cache key is the storage name with
the size and modification time read from storage. The time is there because a name can come back with other bytes:
the signed minutes' names (minutes-<meeting>-<kind>.pdf) repeat once their directory has been emptied (a database
rebuilt with its files, the demo reloaded) while the cache lives on.

Restricted files are never summed here: each reader receives a copy watermarked for them, so no checksum of the
stored file describes what they get (api.files leaves size and checksums None for them).
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)
CACHE_SECONDS = 90 * 24 * 3600  # a stored file's bytes never change under its stamp; kept a quarter, then re-summed
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Checksums:
    """`size` in bytes; `sha1` and `sha512` as lower-case hex digests of the stored bytes."""

    size: int
    sha1: str
    sha512: str


def cache_key(name: str, size: int, modified: float | None = None) -> str:
    """ "filesum:<sha256 of the storage name>:<size>:<modified, POSIX seconds>" (the name hashed: storage names may
    hold any characters; no time when the storage keeps none)."""
    return f"filesum:{hashlib.sha256(name.encode()).hexdigest()}:{size}:{'' if modified is None else modified}"


def stored_stamp(field_file) -> tuple[int, float | None]:
    """(size in bytes, modification time in POSIX seconds or None) of a stored file; OSError when it is gone."""
    storage, name = field_file.storage, field_file.name
    size = storage.size(name)
    try:
        modified = storage.get_modified_time(name).timestamp()
    except NotImplementedError:
        modified = None
    return size, modified


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
    stamps: dict[str, tuple | None] = {}
    by_name = {}
    for field_file in field_files:
        if not field_file or field_file.name in stamps:
            continue
        by_name[field_file.name] = field_file
        try:
            stamps[field_file.name] = stored_stamp(field_file)
        except OSError:
            stamps[field_file.name] = None
    keys = {name: cache_key(name, *stamp) for name, stamp in stamps.items() if stamp is not None}
    cached = (_cache_call(cache.get_many, list(keys.values())) or {}) if keys else {}
    result: dict[str, Checksums | None] = {name: None for name, stamp in stamps.items() if stamp is None}
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
