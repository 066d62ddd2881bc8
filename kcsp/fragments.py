"""Template fragments and computed values cached per viewer's rights, emptied by any committed change.

A fragment's key holds (1) the page cache's generation (kcsp/pagecache.py), which moves on when any record
changes, so nothing cached outlives a commit; (2) the viewer's rights: role names, DHR clearance confirmed
this session, administrator, the committees sat on as a member and the meetings attended, i.e. everything
meetings/access.py and the other apps' `visible_to` read to decide what a person may see; (3) unless
`shared`, the viewer's own account, for anything personal (their apologies, notes, actions, DHR panels);
(4) the fragment's name and the values it varies on (a meeting's pk, a filter, a page number).

So two viewers with different rights never share a fragment (kcsp/tests/test_fragments.py walks the roles),
and a `shared` fragment is built once for everyone with the same rights. If the cache is down the fragment is
simply rendered. A fragment built from restricted or DHR rows is kept with the marks its building made
(kcsp.marking.Marked), replayed when it is served, so the page still carries its protective marking.
Shapes: keys are strings under FRAGMENT_PREFIX; FRAGMENT_CACHE_SECONDS (settings, default 300, 0 switches
fragments off) bounds what changes with time alone (e.g. "overdue" as days pass).
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from . import pagecache, roles
from .marking import Marked, marks_of, marks_replay

log = logging.getLogger(__name__)
FRAGMENT_PREFIX = "fragment"
CACHE_DOWN = (RedisError, ConnectionError, OSError)


def viewer_rights(user) -> str:
    """A short digest of everything that decides what `user` may see (cached on the user object per request).

    One query at most (the meetings the person attended), only for a signed-in account holding a role.
    """
    cached = getattr(user, "_kcsp_viewer_rights", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "anonymous"
    from meetings import access
    from meetings.models import Attendance

    names = sorted(roles.role_names(user))
    attended = []
    if names:
        attended = sorted(
            Attendance.objects.filter(person__user=user, kind__in=access.ATTENDED_KINDS)
            .order_by()  # no default ordering: it would join meetings and people into the DISTINCT
            .values_list("meeting_id", flat=True)
            .distinct()
        )
    parts = [
        ",".join(names),
        f"dhr={roles.may_see_dhr(user)}",
        f"verified={roles.is_verified(user)}",
        f"super={user.is_superuser}",
        "committees=" + ",".join(map(str, sorted(access.member_committee_ids(user)))),
        "attended=" + ",".join(map(str, attended)),
    ]
    rights = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    user._kcsp_viewer_rights = rights
    return rights


def fragment_key(name: str, user, vary_on=(), *, shared: bool = False, generation: int | None = None) -> str:
    """The cache key of fragment `name` for this viewer and these values (see the module docstring)."""
    if generation is None:
        generation = pagecache._generation()
    owner = "shared" if shared else f"user={getattr(user, 'pk', None)}"
    digest = hashlib.sha256(
        "\0".join([viewer_rights(user), owner, *(str(value) for value in vary_on)]).encode()
    ).hexdigest()
    return f"{FRAGMENT_PREFIX}:{generation}:{name}:{digest}"


def fragment_seconds() -> int:
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", 300)


def cached_for_viewer(name: str, user, vary_on, make, *, shared: bool = False, fresh=None, when_repeated: bool = False):
    """`make()`'s value, cached under `fragment_key`; `make()` is called afresh when the cache is off or down.

    The value must be picklable and must be what this viewer may see (build it from `visible_to(user)`).
    `fresh(value) -> bool`, if given, is asked of a cached value: False builds and stores it again (for content
    that turns stale at a moment it knows, e.g. when the next "upcoming" meeting starts).
    `when_repeated`: for values keyed on free text (a search): the first request only leaves a marker of a few bytes
    and the value is stored when the same key is asked for again within FRAGMENT_CACHE_SECONDS, so made-up texts
    cannot fill the cache with pages of results (tests/test_issue18_attack.py).
    """
    if fragment_seconds() <= 0:
        return make()
    try:
        key = fragment_key(name, user, vary_on, shared=shared)
        value = cache.get(key)
    except CACHE_DOWN:
        log.warning("Fragment cache unavailable; building %s", name, exc_info=True)
        return make()
    if isinstance(value, Marked):  # built from restricted or DHR rows: the page served from it is marked too
        marks_replay(value.notes)
        value = value.value
    if value is None or (fresh is not None and not fresh(value)):
        value, notes = marks_of(make)
        try:
            if when_repeated and cache.add(f"{key}:asked", 1, timeout=fragment_seconds()):
                return value  # first time asked: marked, not stored
            cache.set(key, Marked(value, notes) if notes else value, timeout=fragment_seconds())
        except CACHE_DOWN:
            log.warning("Fragment %s could not be cached", name, exc_info=True)
    return value
