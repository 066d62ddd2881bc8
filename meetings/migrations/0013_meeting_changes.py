"""When a meeting changes (issue 15): cancelled and postponed statuses, the one table of steps and its history
(MeetingStatusChange), a meeting's end time (from its committee's usual length), its calendar sequence and last
change, the meeting a replacement replaces, and meetings recorded as held after the event.

Existing meetings end 120 minutes after they start. Signed meetings' end time and replacement link are frozen too:
the trigger of migration 0009 is redefined with them (the demo loader's way round is unchanged).
"""

import datetime

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

ALLOWED = "coalesce(current_setting('kcsp.frozen_write_allowed', true), '') = 'on'"


FROZEN_MEETING = """
CREATE OR REPLACE FUNCTION kcsp_refuse_frozen_meeting() RETURNS trigger AS $$
BEGIN
    IF {ALLOWED} OR OLD.minutes_signed_at IS NULL THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Meeting % has signed minutes: it cannot be deleted', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.minutes_signed_at IS DISTINCT FROM OLD.minutes_signed_at
       OR NEW.minutes_signed_by_id IS DISTINCT FROM OLD.minutes_signed_by_id
       OR NEW.minutes_signed_by_person_id IS DISTINCT FROM OLD.minutes_signed_by_person_id
       OR NEW.minutes_signed_name IS DISTINCT FROM OLD.minutes_signed_name
       OR NEW.minutes_approved_at_meeting_id IS DISTINCT FROM OLD.minutes_approved_at_meeting_id
       OR NEW.minutes_start_number IS DISTINCT FROM OLD.minutes_start_number
       OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.starts_at IS DISTINCT FROM OLD.starts_at
       OR NEW.ends_at IS DISTINCT FROM OLD.ends_at
       OR NEW.venue IS DISTINCT FROM OLD.venue
       OR NEW.venue_kind IS DISTINCT FROM OLD.venue_kind
       OR NEW.replaces_id IS DISTINCT FROM OLD.replaces_id
       OR NEW.recorded_after_event IS DISTINCT FROM OLD.recorded_after_event
       OR NEW.committee_id IS DISTINCT FROM OLD.committee_id THEN
        RAISE EXCEPTION 'Meeting % has signed minutes: its date, place, status and signature cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""".replace("{ALLOWED}", ALLOWED)

# Migration 0009's function, for going back.
FROZEN_MEETING_0009 = (
    FROZEN_MEETING.replace("       OR NEW.ends_at IS DISTINCT FROM OLD.ends_at\n", "")
    .replace("       OR NEW.replaces_id IS DISTINCT FROM OLD.replaces_id\n", "")
    .replace("       OR NEW.recorded_after_event IS DISTINCT FROM OLD.recorded_after_event\n", "")
)


def ends_from_usual_length(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Meeting.objects.filter(ends_at__isnull=True).update(ends_at=models.F("starts_at") + datetime.timedelta(minutes=120))


def freeze_new_fields(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FROZEN_MEETING, params=None)


def unfreeze_new_fields(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FROZEN_MEETING_0009, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("kcsp", "0006_organisation_identifiers"),
        ("meetings", "0012_errata_and_amendments_frozen"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalMeetingStatusChange",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("action", models.CharField(max_length=30)),
                (
                    "from_status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("agenda_agreed", "Agenda agreed by the chair"),
                            ("published", "Published"),
                            ("held", "Held"),
                            ("minutes_approved", "Minutes approved"),
                            ("postponed", "Postponed"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("agenda_agreed", "Agenda agreed by the chair"),
                            ("published", "Published"),
                            ("held", "Held"),
                            ("minutes_approved", "Minutes approved"),
                            ("postponed", "Postponed"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reason", models.TextField(blank=True)),
                (
                    "was",
                    models.CharField(
                        blank=True,
                        help_text="Date, time and venue before a move.",
                        max_length=400,
                        verbose_name="before",
                    ),
                ),
                (
                    "now",
                    models.CharField(
                        blank=True, help_text="Date, time and venue after a move.", max_length=400, verbose_name="after"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical meeting status change",
                "verbose_name_plural": "historical meeting status changes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="MeetingStatusChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action", models.CharField(max_length=30)),
                (
                    "from_status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("agenda_agreed", "Agenda agreed by the chair"),
                            ("published", "Published"),
                            ("held", "Held"),
                            ("minutes_approved", "Minutes approved"),
                            ("postponed", "Postponed"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("agenda_agreed", "Agenda agreed by the chair"),
                            ("published", "Published"),
                            ("held", "Held"),
                            ("minutes_approved", "Minutes approved"),
                            ("postponed", "Postponed"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reason", models.TextField(blank=True)),
                (
                    "was",
                    models.CharField(
                        blank=True,
                        help_text="Date, time and venue before a move.",
                        max_length=400,
                        verbose_name="before",
                    ),
                ),
                (
                    "now",
                    models.CharField(
                        blank=True, help_text="Date, time and venue after a move.", max_length=400, verbose_name="after"
                    ),
                ),
            ],
            options={
                "ordering": ["meeting", "at", "pk"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="meeting",
            name="meeting_past_draft_has_agreed_agenda",
        ),
        migrations.RemoveConstraint(
            model_name="meeting",
            name="meeting_published_has_publication_time",
        ),
        migrations.AddField(
            model_name="committee",
            name="usual_length",
            field=models.PositiveSmallIntegerField(
                default=120,
                help_text="A new meeting ends this long after it starts unless another end time is given. For example, 120.",
                verbose_name="usual length of a meeting, in minutes",
            ),
        ),
        migrations.AddField(
            model_name="historicalcommittee",
            name="usual_length",
            field=models.PositiveSmallIntegerField(
                default=120,
                help_text="A new meeting ends this long after it starts unless another end time is given. For example, 120.",
                verbose_name="usual length of a meeting, in minutes",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="ends_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Filled from the committee's usual length when left blank.",
                null=True,
                verbose_name="end time",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="recorded_after_event",
            field=models.BooleanField(
                default=False,
                help_text="Entered after the meeting took place: recorded as held without its agenda being agreed and published here.",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="replaces",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The postponed or cancelled meeting this one replaces.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="meetings.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0,
                help_text="The calendar revision: one more at every change of time, place or status (iCal SEQUENCE).",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="updated_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, editable=False, verbose_name="last changed"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="meeting",
            name="ends_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Filled from the committee's usual length when left blank.",
                null=True,
                verbose_name="end time",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="recorded_after_event",
            field=models.BooleanField(
                default=False,
                help_text="Entered after the meeting took place: recorded as held without its agenda being agreed and published here.",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="replaces",
            field=models.ForeignKey(
                blank=True,
                help_text="The postponed or cancelled meeting this one replaces.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replaced_by",
                to="meetings.meeting",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0,
                help_text="The calendar revision: one more at every change of time, place or status (iCal SEQUENCE).",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="last changed"),
        ),
        migrations.AlterField(
            model_name="historicalmeeting",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("agenda_agreed", "Agenda agreed by the chair"),
                    ("published", "Published"),
                    ("held", "Held"),
                    ("minutes_approved", "Minutes approved"),
                    ("postponed", "Postponed"),
                    ("cancelled", "Cancelled"),
                ],
                default="draft",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("agenda_agreed", "Agenda agreed by the chair"),
                    ("published", "Published"),
                    ("held", "Held"),
                    ("minutes_approved", "Minutes approved"),
                    ("postponed", "Postponed"),
                    ("cancelled", "Cancelled"),
                ],
                default="draft",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="committee",
            constraint=models.CheckConstraint(
                condition=models.Q(("usual_length__gte", 1)), name="committee_usual_length_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["draft", "postponed", "cancelled"]),
                    ("agenda_agreed_at__isnull", False),
                    ("recorded_after_event", True),
                    _connector="OR",
                ),
                name="meeting_past_draft_has_agreed_agenda",
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["draft", "agenda_agreed", "postponed", "cancelled"]),
                    ("published_at__isnull", False),
                    ("recorded_after_event", True),
                    _connector="OR",
                ),
                name="meeting_published_has_publication_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__isnull", True), ("ends_at__gt", models.F("starts_at")), _connector="OR"),
                name="meeting_ends_after_start",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeetingstatuschange",
            name="by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalmeetingstatuschange",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalmeetingstatuschange",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="meetings.meeting",
            ),
        ),
        migrations.AddField(
            model_name="meetingstatuschange",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="meetingstatuschange",
            name="meeting",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="status_changes", to="meetings.meeting"
            ),
        ),
        migrations.RunPython(ends_from_usual_length, migrations.RunPython.noop),
        migrations.RunPython(freeze_new_fields, unfreeze_new_fields),
    ]
