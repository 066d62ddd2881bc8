"""Signed minutes are frozen in the database too, not only in the write services (meetings/freeze.py).

PostgreSQL triggers refuse, once a meeting's minutes_signed_at is set: any insert, update or delete of its
minutes, attendance and declarations; a change of an action's wording, owner or due date (its status and
progress stay open until it is done); a change of the meeting's date, place, status or signature; and any change
to a signed record's content or first PDF. Only the demo loader may replace its own demo records, by setting
`kcsp.frozen_write_allowed` to 'on' in its transaction (meetings.freeze.frozen_writes_allowed).
"""

from django.db import migrations

ALLOWED = "coalesce(current_setting('kcsp.frozen_write_allowed', true), '') = 'on'"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION kcsp_meeting_signed(meeting bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM meetings_meeting WHERE id = meeting AND minutes_signed_at IS NOT NULL);
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION kcsp_refuse_frozen() RETURNS trigger AS $$
BEGIN
    IF {ALLOWED} THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF (TG_OP <> 'INSERT' AND kcsp_meeting_signed(OLD.meeting_id))
       OR (TG_OP <> 'DELETE' AND kcsp_meeting_signed(NEW.meeting_id)) THEN
        RAISE EXCEPTION 'The minutes of meeting % are signed: % of % refused (record a correction as an erratum)',
            COALESCE(OLD.meeting_id, NEW.meeting_id), lower(TG_OP), TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION kcsp_refuse_frozen_action() RETURNS trigger AS $$
DECLARE
    was_signed boolean := false;
    now_signed boolean := false;
BEGIN
    IF {ALLOWED} THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT kcsp_meeting_signed(m.meeting_id) INTO was_signed FROM meetings_minute m WHERE m.id = OLD.minute_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT kcsp_meeting_signed(m.meeting_id) INTO now_signed FROM meetings_minute m WHERE m.id = NEW.minute_id;
    END IF;
    IF TG_OP = 'UPDATE' AND was_signed AND now_signed AND NEW.minute_id = OLD.minute_id
       AND NEW.text = OLD.text AND NEW.owner_id = OLD.owner_id AND NEW.owner_name = OLD.owner_name
       AND NEW.due_on = OLD.due_on THEN
        RETURN NEW;  -- status and progress of an action in signed minutes may still change
    END IF;
    IF was_signed OR now_signed THEN
        RAISE EXCEPTION 'Action % is part of signed minutes: % refused (only its status and progress can change)',
            COALESCE(OLD.id, NEW.id), lower(TG_OP) USING ERRCODE = 'check_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;

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
       OR NEW.venue IS DISTINCT FROM OLD.venue
       OR NEW.venue_kind IS DISTINCT FROM OLD.venue_kind
       OR NEW.committee_id IS DISTINCT FROM OLD.committee_id THEN
        RAISE EXCEPTION 'Meeting % has signed minutes: its date, place, status and signature cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION kcsp_refuse_signed_record_change() RETURNS trigger AS $$
BEGIN
    IF {ALLOWED} THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Signed minutes % cannot be deleted', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.content IS DISTINCT FROM OLD.content OR NEW.content_sha256 IS DISTINCT FROM OLD.content_sha256
       OR NEW.meeting_id IS DISTINCT FROM OLD.meeting_id OR NEW.kind IS DISTINCT FROM OLD.kind
       OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
       OR (OLD.first_sha256 <> '' AND (NEW.first_pdf IS DISTINCT FROM OLD.first_pdf
                                       OR NEW.first_sha256 IS DISTINCT FROM OLD.first_sha256)) THEN
        RAISE EXCEPTION 'Signed minutes %: the content and the first PDF cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
FUNCTIONS = FUNCTIONS.replace("{ALLOWED}", ALLOWED)

TRIGGERS = {
    "meetings_minute": "kcsp_refuse_frozen",
    "meetings_attendance": "kcsp_refuse_frozen",
    "meetings_declaration": "kcsp_refuse_frozen",
    "meetings_action": "kcsp_refuse_frozen_action",
    "meetings_meeting": "kcsp_refuse_frozen_meeting",
    "meetings_signedminutes": "kcsp_refuse_signed_record_change",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the embedded SQLite demo relies on the write services alone
    schema_editor.execute(FUNCTIONS, params=None)
    for table, function in TRIGGERS.items():
        events = (
            "UPDATE OR DELETE"
            if table in ("meetings_meeting", "meetings_signedminutes")
            else "INSERT OR UPDATE OR DELETE"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_frozen BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};")
    for function in (
        "kcsp_refuse_frozen",
        "kcsp_refuse_frozen_action",
        "kcsp_refuse_frozen_meeting",
        "kcsp_refuse_signed_record_change",
        "kcsp_meeting_signed",
    ):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE;")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0008_minutes_record")]
    operations = [migrations.RunPython(forwards, backwards)]
