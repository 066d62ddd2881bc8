"""A signed meeting's agenda items also keep how the public agenda lists them (title withheld, DHR public title).

Migration 0011's trigger froze an item's code, title and restriction once its meeting's minutes are signed; issue 15
added the public listing of a restricted item's title (AgendaItem.title_withheld, public_title). The services refuse
agenda changes once a meeting is held; this makes the database refuse a change of the listing for signed meetings
too, with the same way round for the demo loader (the kcsp.frozen_write_allowed setting, migration 0009).
"""

from django.db import migrations

BODY = """
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
       OR NEW.restriction_reason IS DISTINCT FROM OLD.restriction_reason{listing} THEN
        RAISE EXCEPTION 'Agenda item % belongs to a meeting with signed minutes: its code, title and restriction cannot change',
            OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
LISTING = (
    "\n       OR NEW.title_withheld IS DISTINCT FROM OLD.title_withheld"
    " OR NEW.public_title IS DISTINCT FROM OLD.public_title"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BODY.replace("{listing}", LISTING), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BODY.replace("{listing}", ""), params=None)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0015_merge_agenda_as_printed")]
    operations = [migrations.RunPython(forwards, backwards)]
