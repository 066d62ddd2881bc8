"""The name of the member a substitute stood in for, kept as it stood at the meeting (issue 14: names as recorded).

Rows of meetings not yet signed take the member's name as it is now; signed meetings keep their frozen record
(SignedMinutes.content), and the database refuses writes to their attendance (migration 0009).
"""

from django.db import migrations, models


def names_fill(apps, schema_editor):
    Attendance = apps.get_model("meetings", "Attendance")
    rows = Attendance.objects.filter(
        substitute_for__isnull=False, substitute_for_name="", meeting__minutes_signed_at=None
    )
    for row in rows.select_related("substitute_for"):
        p = row.substitute_for
        row.substitute_for_name = " ".join(x for x in (p.title, p.initials, p.surname, p.post_nominals) if x)
        row.save(update_fields=["substitute_for_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0009_signed_minutes_frozen"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="substitute_for_name",
            field=models.CharField(
                blank=True,
                help_text="The name of the member substituted for, as it stood at the meeting.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="historicalattendance",
            name="substitute_for_name",
            field=models.CharField(
                blank=True,
                help_text="The name of the member substituted for, as it stood at the meeting.",
                max_length=200,
            ),
        ),
        migrations.RunPython(names_fill, migrations.RunPython.noop),
    ]
