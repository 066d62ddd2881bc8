"""The "last read" marker of each person and pack: written when they open a pack, read by the home page.

Shared with the in-page PDF reader (issue 17): whatever path shows a person a pack calls `pack_read_mark` once
the pack has been served to them.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Pack, PackRead


def pack_read_mark(user, pack: Pack, *, at=None):
    """Record that `user` has just opened or downloaded `pack` (a Pack row they were entitled to and were served).

    Shape: one PackRead per (user, pack), created or moved forward to `at` (default now; an earlier `at` never
    moves a marker back). Anonymous users leave no marker and get None; otherwise the PackRead is returned.
    Concurrent calls for the same user and pack are safe (one row: the unique constraint and an upsert)."""
    if not getattr(user, "is_authenticated", False):
        return None
    at = at or timezone.now()
    read, created = PackRead.objects.get_or_create(user=user, pack=pack, defaults={"read_at": at})
    if not created and read.read_at < at:
        PackRead.objects.filter(pk=read.pk, read_at__lt=at).update(read_at=at)
        read.read_at = at
    return read


def unread_q(user) -> Q:
    """Packs built after `user`'s marker for them, or never read by them (a filter on Pack; no rows are loaded).

    A pack with no build time (never built) is never "new"."""
    read_since_built = PackRead.objects.filter(user=user, pack=OuterRef("pk"), read_at__gte=OuterRef("built_at"))
    return Q(built_at__isnull=False) & ~Exists(read_since_built)
