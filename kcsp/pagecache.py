"""Public pages served from the cache to visitors who are not signed in.

Only a request with no session cookie, no messages cookie and no Authorization header is served or
stored, so a signed-in page (whatever it shows) is never cached and never served from the cache.
Only a 200 GET/HEAD answer that sets no cookie is stored. Any committed change to any record moves
the cache generation on, so no stored page outlives a change: the one choke point is the database connection
(`write_watch`, installed on every connection), which sees every INSERT, UPDATE and DELETE however it was made
(save(), QuerySet.update(), bulk_create, raw SQL), where model signals would miss QuerySet.update().
PAGE_CACHE_SECONDS bounds what changes with time alone (e.g. "upcoming" meetings). If the cache is down,
pages are simply built. Fragments of signed-in pages (kcsp/fragments.py) share the generation.

Keys are bounded: only a request with no query string, or with nothing but a page number (1-999), is
cached, keyed on host (one of ALLOWED_HOSTS), path and that number; any other query (a search, a filter,
arbitrary junk) is built afresh, so made-up query strings cannot fill Redis.
"""

import functools
import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created

log = logging.getLogger(__name__)
GENERATION_KEY = "pagecache:generation"
# Records written while people browse that change no page anyone else sees.
# A member's private notes and place in a pack (meetings.Annotation, PackRead) are read by their writer alone; an
# API token's row is written at every API request it makes (last_used_at) and shown only on its owner's page.
QUIET_MODELS = {
    "sessions.session", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog", "dhr.accesslog",
    "meetings.annotation", "meetings.packread", "api.apitoken",
}  # fmt: skip


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def generation_bump() -> None:
    """Move the generation on when the current transaction commits (at once outside one)."""
    transaction.on_commit(_bump_on_commit)


def connect_signals() -> None:
    """Watch every database connection's writes (called once, from KcspConfig.ready)."""
    connection_created.connect(_watch_writes, dispatch_uid="pagecache-write-watch")
    for connection in connections.all(initialized_only=True):
        _watch_writes(connection=connection)


WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


@functools.cache
def quiet_tables() -> frozenset:
    from django.apps import apps

    tables = set()
    for label in QUIET_MODELS:
        try:
            tables.add(apps.get_model(label)._meta.db_table)
        except LookupError:  # an app not installed (e.g. axes in a trimmed settings module)
            continue
    return frozenset(tables)


def _bump_on_commit() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must never stop a write
        log.warning("Page cache generation could not be moved on", exc_info=True)


def write_watch(execute, sql, params, many, context):
    """Execute wrapper: a statement writing to any table but a quiet one moves the generation on at commit
    (at once in autocommit). Shapes: Django's execute-wrapper signature."""
    result = execute(sql, params, many, context)
    match = WRITE.match(sql) if isinstance(sql, str) else None
    if match and match.group(1) not in quiet_tables():
        # One callback per statement (a Redis INCR each at commit): bulk writes are one statement, and skipping
        # "already pending" callbacks would break when a savepoint holding the pending one rolls back.
        transaction.on_commit(_bump_on_commit, using=context["connection"].alias)
    return result


def _watch_writes(sender=None, connection=None, **kwargs) -> None:
    if connection is not None and write_watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(write_watch)


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
