"""Tokens that let a program act as one signed-in person, read-only: API tokens and private calendar feeds."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

API_TOKEN_PREFIX = "kcsp_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """Sent as `Authorization: Bearer …`; only its hash is stored, so it is shown once, when made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, for example: the council's website.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, name=name, digest=token_digest(token), hint=token[:10])
        return row, token

    @classmethod
    def user_for(cls, token: str):
        row = cls.objects.active().select_related("user").filter(digest=token_digest(token)).first()
        if row is None:
            return None
        cls.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return row.user


class CalendarFeed(models.Model):
    """A private iCal address for one person's meetings; the token is the address, so it can be shown again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_feed_per_user"
            )
        ]

    def __str__(self):
        return f"Calendar feed of {self.user}"

    @classmethod
    def live_for(cls, user):
        return cls.objects.filter(user=user, revoked_at__isnull=True).first()


class DeletedObject(models.Model):
    """What is left of an OParl object that was deleted: its id, type and dates, and who may learn it went.

    OParl 1.1 section 2-08 ("Gelöschte Objekte"): a deleted object stays at its URL with `deleted: true`, keeping
    `id`, `type` and `created`, `modified` set to the deletion; lists give it only when `modified_since` is asked.
    The row holds no personal data: no name, title or text, only the key (a number, or "paper-12" for a file).
    Written by api.tombstones when a row leaves its table; DHR material leaves no trace here.
    """

    oparl_type = models.CharField(max_length=20)  # the API's path part: "meeting", "agendaitem", "file" ...
    key = models.CharField(max_length=40)  # the object's id in its URL: "12", "paper-12", "org-3"
    created = models.DateTimeField()
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    public = models.BooleanField(help_text="The public could see it when it was deleted.")
    committee_id = models.IntegerField(
        null=True, blank=True, help_text="Its committee, whose members may learn it went (officers always may)."
    )

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["oparl_type", "key"], name="one_deletion_per_object")]

    def __str__(self):
        return f"Deleted {self.oparl_type} {self.key}"
