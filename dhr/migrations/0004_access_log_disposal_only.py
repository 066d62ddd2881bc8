"""The DHR access log stays append-only, except that the one disposal service may delete its rows (issue 20).

kcsp.governance.disposal.record_dispose runs `SET LOCAL kcsp.disposal = 'on'` inside its own transaction, for
DHR record types only, and sets it back to 'off' before anything else runs; a DELETE anywhere else (by hand in
psql, a stray queryset) is still refused, and UPDATE always is.
"""

from django.db import migrations

DISPOSAL_ONLY = """
CREATE OR REPLACE FUNCTION dhr_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('kcsp.disposal', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The DHR access log is append-only';
END;
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION dhr_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The DHR access log is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def disposal_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DISPOSAL_ONLY)


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("dhr", "0003_agenda_link_any_dhr_item")]

    operations = [migrations.RunPython(disposal_only, append_only)]
