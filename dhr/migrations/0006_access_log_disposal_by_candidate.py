"""The DHR access log's DELETE is allowed only for an approved DHR disposal candidate (issue 20).

Migration 0004 let a DELETE through while `kcsp.disposal` was 'on', which anyone in a database shell could set.
Now kcsp.governance.disposal.record_dispose sets `kcsp.disposal` (set_config, local to its transaction) to the id
of the candidate it is disposing of, and the trigger lets a DELETE through only when that id names a disposal
candidate that is approved and is DHR material: deleting log rows by hand needs an approved candidate in the
governance tables as well, and UPDATE is always refused. (A database superuser can switch triggers off; that is
outside what a trigger can stop, and the host's own controls and audit cover it.)
"""

from django.db import migrations

BY_CANDIDATE = """
CREATE OR REPLACE FUNCTION dhr_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM governance_disposalcandidate
        WHERE id::text = current_setting('kcsp.disposal', true)
          AND status = 'approved'
          AND (is_dhr OR record_type IN ('dhr_case', 'dhr_access_log'))
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The DHR access log is append-only';
END;
$$ LANGUAGE plpgsql;
"""
BY_SETTING = """
CREATE OR REPLACE FUNCTION dhr_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('kcsp.disposal', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The DHR access log is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def by_candidate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BY_CANDIDATE)


def by_setting(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BY_SETTING)


class Migration(migrations.Migration):
    dependencies = [("dhr", "0005_access_log_no_truncate"), ("governance", "0001_initial")]

    operations = [migrations.RunPython(by_candidate, by_setting)]
