"""HTTP Range, If-Range and If-None-Match for the one file path (kcsp.downloads.file_send), by RFC 9110.

Parsing is werkzeug's (`werkzeug.http`, maintained and widely used), not ours. What we decide here:
- Only a representation with an entity tag (a stable one: a stored build, a reader's kept copy) is ever split.
  A file made afresh on each request (an export, a per-request watermark) may differ byte for byte between
  requests, so its Range header is ignored and it is answered whole (RFC 9110 §14.2 allows ignoring Range).
- One byte range only. A request for several ranges gets the whole file, 200, which RFC 9110 §14.2 allows and
  spares us multipart/byteranges; readers such as PDF.js ask for one range at a time.
- If-Range must match the entity tag strongly; a weak tag or a date (we send no Last-Modified) never matches,
  so the whole current file is sent (§13.1.5).
- If-None-Match (weak comparison, §13.1.2) answers 304 only where the caller allows it: public files.
"""

import hashlib
from dataclasses import dataclass

from werkzeug.http import parse_etags, parse_if_range_header, parse_range_header, quote_etag


class Unsatisfiable(Exception):
    """The one range asked for starts beyond the end of the file: answer 416 with `bytes */<length>`."""


@dataclass(frozen=True)
class ByteRange:
    """Bytes [start, stop) of a file of `length` bytes."""

    start: int
    stop: int
    length: int

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.stop - 1}/{self.length}"


def entity_tag(*parts: str) -> str:
    """A strong entity tag (unquoted) made from what identifies one representation, e.g. a stored file's name."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def quoted(etag: str) -> str:
    return quote_etag(etag)


def not_modified(request, etag: str | None) -> bool:
    """The client's copy (If-None-Match, weak comparison, `*` included) is this representation."""
    header = request.headers.get("If-None-Match")
    if not etag or not header or request.method not in ("GET", "HEAD"):
        return False
    return parse_etags(header).contains_weak(etag)


def byte_range(request, etag: str | None, length: int) -> ByteRange | None:
    """The one range to answer, or None for the whole file; raises Unsatisfiable for a range past the end.

    None when: no entity tag (see the module note), not GET/HEAD, no or malformed Range, a unit other than bytes,
    several ranges, or an If-Range that does not match `etag` strongly."""
    header = request.headers.get("Range")
    if not etag or not header or request.method not in ("GET", "HEAD"):
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None:
        parsed = parse_if_range_header(if_range)
        if if_range.strip().startswith("W/") or parsed.date is not None or parsed.etag != etag:
            return None
    wanted = parse_range_header(header)
    if wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1:
        return None
    bounds = wanted.range_for_length(length)
    if bounds is None:
        raise Unsatisfiable
    return ByteRange(bounds[0], bounds[1], length)
