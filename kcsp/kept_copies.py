"""Readers' marked copies kept server-side, so one reader's range requests read one watermarked file.

A restricted pack is watermarked for each reader ("downloaded by … on <day>"). The in-page reader fetches the pack
in many range requests; marking the pack afresh for each would cost seconds each time and give bytes that differ
between requests. So `file_send` makes the reader's copy once per (reader, file version, watermark text, which
holds the day) and keeps it under MEDIA_ROOT/reader-copies/<group>/<version>/<user>-<digest>.pdf.

Why files and not Django's cache: the cache is the Redis that also carries the page cache and Celery's broker,
memory-bound and free to evict; a pack can be tens of megabytes, and a file can be read from any offset without
loading it whole. MEDIA_ROOT is already where every web worker reads the packs themselves, and it is never served
by URL (settings: MEDIA_URL has no route), so a kept copy leaves only through file_send.

Old copies go: a reader's copy of an earlier day or version when they get a new one; every copy of an earlier
version of the group's file when any copy of the new one is made (a rebuilt pack); the whole group when the file
is withdrawn (`kept_copies_clear`, called by meetings' pack_unavailable guard); and anything older than two days
(`kept_copies_expire`, daily from celery beat), since a copy's watermark names its day.
"""

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .ranges import entity_tag

FOLDER = "reader-copies"
KEEP_SECONDS = 2 * 24 * 3600


@dataclass(frozen=True)
class KeptCopy:
    path: Path
    etag: str  # unquoted; never the entity tag of the unmarked file it was made from
    made: bool  # made by this request (so its opening has not been recorded yet)

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def kept_copy(*, group: str, version: str, user, watermark: str, make) -> KeptCopy:
    """The reader's kept copy of file `version` in `group`, made with `make()` (-> bytes) when missing.

    `group` names the thing the copies are of ("pack-12"); `version` identifies its current file (the stored
    name, unique per build); `watermark` is the text stamped for the reader. Written to a temporary file and
    renamed into place, so a concurrent request never reads half a copy."""
    digest = entity_tag(version, str(user.pk), watermark)
    folder = _root() / group / entity_tag(version)[:16]
    path = folder / f"{user.pk}-{digest}.pdf"
    if path.exists():
        return KeptCopy(path, f"rc-{digest}", made=False)
    data = make()
    folder.mkdir(parents=True, exist_ok=True)
    for other in folder.parent.iterdir():  # copies of an earlier build of the file
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
    for old in folder.glob(f"{user.pk}-*.pdf"):  # this reader's copy of an earlier day
        old.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
    return KeptCopy(path, f"rc-{digest}", made=True)


def kept_copies_clear(group: str) -> None:
    """Remove every kept copy in `group` (its file was withdrawn: no copy of it may be served again)."""
    shutil.rmtree(_root() / group, ignore_errors=True)


def kept_copies_expire(*, now: float | None = None) -> int:
    """Remove kept copies (and leftovers of interrupted writes) older than two days; returns how many went."""
    cutoff = (now or time.time()) - KEEP_SECONDS
    removed = 0
    root = _root()
    if not root.exists():
        return 0
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
