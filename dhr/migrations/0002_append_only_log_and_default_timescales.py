"""A database trigger that refuses UPDATE and DELETE on the access log, and the Home Office default timescales."""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION dhr_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The DHR access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dhr_accesslog_no_update_or_delete
    BEFORE UPDATE OR DELETE ON dhr_accesslog
    FOR EACH ROW EXECUTE FUNCTION dhr_accesslog_append_only();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS dhr_accesslog_no_update_or_delete ON dhr_accesslog;
DROP FUNCTION IF EXISTS dhr_accesslog_append_only();
"""

DEFAULTS = [
    (
        "decision",
        1,
        "the date the partnership was notified",
        "Home Office statutory guidance (2016): the decision whether to hold a review within one month of notification.",
    ),
    (
        "review",
        6,
        "the date of the decision to hold a review",
        "Home Office statutory guidance (2016): the review completed within six months of the decision.",
    ),
    (
        "agency_update",
        3,
        "the last update on an agency action (or the date it was set)",
        "The Steering Group meets quarterly and expects agencies to update their actions for each meeting.",
    ),
]


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


def add_defaults(apps, schema_editor):
    TimescaleRule = apps.get_model("dhr", "TimescaleRule")
    for key, months, counted_from, guidance in DEFAULTS:
        TimescaleRule.objects.get_or_create(
            key=key, defaults={"months": months, "counted_from": counted_from, "guidance": guidance}
        )


class Migration(migrations.Migration):
    dependencies = [("dhr", "0001_initial")]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
