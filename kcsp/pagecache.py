"""Public pages served from the cache to visitors who are not signed in.

Only a request with no session cookie, no messages cookie and no Authorization header is served or
stored, so a signed-in page (whatever it shows) is never cached and never served from the cache.
Only a 200 GET/HEAD answer that sets no cookie is stored. Any committed change to any record moves
the cache generation on, so no stored page outlives a change; PAGE_CACHE_SECONDS bounds what changes
with time alone (e.g. "upcoming" meetings). If the cache is down, pages are simply built.

Keys are bounded: only a request with no query string, or with nothing but a page number (1-999), is
cached, keyed on host (one of ALLOWED_HOSTS), path and that number; any other query (a search, a filter,
arbitrary junk) is built afresh, so made-up query strings cannot fill Redis.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)
GENERATION_KEY = "pagecache:generation"
# Records written while people browse that change no page anyone else sees.
# A member's private notes and place in a pack (meetings.Annotation, PackRead) are read by their writer alone.
QUIET_MODELS = {
    "sessions.session", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog", "dhr.accesslog",
    "meetings.annotation", "meetings.packread",
}  # fmt: skip


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def generation_bump(**kwargs) -> None:
    sender = kwargs.get("sender")
    if sender is not None and sender._meta.label_lower in QUIET_MODELS:
        return

    def bump():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 2, timeout=None)
        except Exception:  # noqa: BLE001 - a cache outage must never stop a write
            log.warning("Page cache generation could not be moved on", exc_info=True)

    transaction.on_commit(bump)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(generation_bump, dispatch_uid=f"pagecache-{signal}")


PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,2}")


def _normalised_query(request) -> str | None:
    """'' for no query, 'page=N' for a bare page number 1-999, None for anything else (not cached)."""
    if not request.META.get("QUERY_STRING"):
        return ""
    pages = request.GET.getlist("page")
    if set(request.GET) == {"page"} and len(pages) == 1 and PAGE_NUMBER.fullmatch(pages[0]):
        return f"page={pages[0]}"
    return None


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and _normalised_query(request) is not None
    )


def _key(request, generation: int) -> str:
    digest = hashlib.sha256(f"{request.get_host()}{request.path}?{_normalised_query(request)}".encode()).hexdigest()
    return f"pagecache:{generation}:{request.method}:{digest}"


MAX_STORED_BYTES = 512 * 1024


def _storable(response) -> bool:
    """A whole 200 answer that sets no cookie and does not ask to stay private (e.g. a private feed)."""
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/")  # pages and feeds, never a pack's PDF
        and len(response.content if not getattr(response, "streaming", False) else b"") <= MAX_STORED_BYTES
        and not response.cookies
        and not getattr(response, "streaming", False)
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        try:
            key = _key(request, _generation())
            cached = cache.get(key)
        except Exception:  # noqa: BLE001 - the cache is an optimisation: without it, build the page
            return self.get_response(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if _storable(response):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            try:
                cache.set(key, response, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                log.warning("Page could not be cached", exc_info=True)
        return response
