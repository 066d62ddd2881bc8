"""The agenda items of a meeting whose minutes are signed keep their code, title and restriction.

A signed minute's part of the record (public, restricted, DHR) was fixed by its item's restriction when signed;
the write services already refuse agenda changes once a meeting is held (meetings.services), and this trigger
makes the database refuse them too for signed meetings, so a signed DHR minute's item can never be re-labelled
(which would re-file who may read it). The demo loader's way round is the same setting as migration 0009's.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION kcsp_refuse_frozen_item() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('kcsp.frozen_write_allowed', true), '') = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF NOT kcsp_meeting_signed(OLD.meeting_id) THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Agenda item % belongs to a meeting with signed minutes: it cannot be removed', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.meeting_id IS DISTINCT FROM OLD.meeting_id OR NEW.section IS DISTINCT FROM OLD.section
       OR NEW.position IS DISTINCT FROM OLD.position OR NEW.title IS DISTINCT FROM OLD.title
       OR NEW.restriction_reason IS DISTINCT FROM OLD.restriction_reason THEN
        RAISE EXCEPTION 'Agenda item % belongs to a meeting with signed minutes: its code, title and restriction cannot change',
            OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER meetings_agendaitem_frozen BEFORE UPDATE OR DELETE ON meetings_agendaitem "
        "FOR EACH ROW EXECUTE FUNCTION kcsp_refuse_frozen_item();"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS meetings_agendaitem_frozen ON meetings_agendaitem;")
    schema_editor.execute("DROP FUNCTION IF EXISTS kcsp_refuse_frozen_item() CASCADE;")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0010_attendance_substitute_for_name")]
    operations = [migrations.RunPython(forwards, backwards)]
