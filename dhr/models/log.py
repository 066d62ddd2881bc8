"""The append-only record of every look at and change to DHR material: who, when, what, from where.

Rows are only ever added. The model refuses to save an existing row or to delete one, its queryset
refuses bulk update and delete, and a database trigger (migration 0002) refuses UPDATE and DELETE
from anything else. There is deliberately no history table: this is the history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an access log entry."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The DHR access log cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The DHR access log cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("The DHR access log cannot be changed.")


class AccessLog(models.Model):  # not DhrContent: every page of the log is gated, and reading it names no new case
    class Action(models.TextChoices):
        LIST = "list", "Viewed a list"
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        CREATE = "create", "Added"
        CHANGE = "change", "Changed"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    action = models.CharField(max_length=10, choices=Action.choices, editable=False)
    case = models.ForeignKey(
        "dhr.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="access_log", editable=False
    )
    what = models.CharField(max_length=300, editable=False, help_text="The page, file or record concerned.")
    path = models.CharField(max_length=500, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The DHR access log cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The DHR access log cannot be deleted.")
