"""A signed record is only ever added by the signing itself: the database refuses any other insert.

Migration 0009 froze every change to a signed record; a new row (another part, or a forged record of a meeting
never signed) could still be inserted outside the signing. Now a row of meetings_signedminutes may be inserted
only in the transaction that signs its meeting, which says so with `SET LOCAL kcsp.signing_meeting = <id>`
(meetings.signing.minutes_freeze), or by the demo loader under `kcsp.frozen_write_allowed` (migration 0009).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION kcsp_refuse_signed_record_insert() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('kcsp.frozen_write_allowed', true), '') = 'on'
       OR coalesce(current_setting('kcsp.signing_meeting', true), '') = NEW.meeting_id::text THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Signed minutes of meeting % are written only when its minutes are signed: insert refused',
        NEW.meeting_id USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the embedded SQLite demo relies on the write services alone
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER meetings_signedminutes_insert_frozen BEFORE INSERT ON meetings_signedminutes "
        "FOR EACH ROW EXECUTE FUNCTION kcsp_refuse_signed_record_insert();"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS meetings_signedminutes_insert_frozen ON meetings_signedminutes;")
    schema_editor.execute("DROP FUNCTION IF EXISTS kcsp_refuse_signed_record_insert() CASCADE;")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0020_reader")]
    operations = [migrations.RunPython(forwards, backwards)]
