"""Errata are never edited or deleted, and the amendments of signed minutes never change, in the database too.

An erratum is a signed note beside the minutes (meetings/errata.py): only ever added. The amendments proposed to
a meeting's draft minutes are shown beside its signed record (accepted ones to every reader): once the minutes
are signed, none is added, changed or deleted. The demo loader's way round is migration 0009's setting.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION kcsp_refuse_erratum_change() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('kcsp.frozen_write_allowed', true), '') = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'Erratum %: an erratum is never edited or deleted (record another)', OLD.id
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION kcsp_refuse_signed_amendment() RETURNS trigger AS $$
DECLARE
    was_signed boolean := false;
    now_signed boolean := false;
BEGIN
    IF coalesce(current_setting('kcsp.frozen_write_allowed', true), '') = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT kcsp_meeting_signed(m.meeting_id) INTO was_signed FROM meetings_minute m WHERE m.id = OLD.minute_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT kcsp_meeting_signed(m.meeting_id) INTO now_signed FROM meetings_minute m WHERE m.id = NEW.minute_id;
    END IF;
    IF coalesce(was_signed, false) OR coalesce(now_signed, false) THEN
        RAISE EXCEPTION 'The minutes are signed: % of an amendment refused', lower(TG_OP)
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)
    schema_editor.execute(
        "CREATE TRIGGER meetings_erratum_frozen BEFORE UPDATE OR DELETE ON meetings_erratum "
        "FOR EACH ROW EXECUTE FUNCTION kcsp_refuse_erratum_change();"
    )
    schema_editor.execute(
        "CREATE TRIGGER meetings_minuteamendment_frozen BEFORE INSERT OR UPDATE OR DELETE ON meetings_minuteamendment "
        "FOR EACH ROW EXECUTE FUNCTION kcsp_refuse_signed_amendment();"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS meetings_erratum_frozen ON meetings_erratum;")
    schema_editor.execute("DROP TRIGGER IF EXISTS meetings_minuteamendment_frozen ON meetings_minuteamendment;")
    schema_editor.execute("DROP FUNCTION IF EXISTS kcsp_refuse_erratum_change() CASCADE;")
    schema_editor.execute("DROP FUNCTION IF EXISTS kcsp_refuse_signed_amendment() CASCADE;")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0011_signed_meeting_items_frozen")]
    operations = [migrations.RunPython(forwards, backwards)]
