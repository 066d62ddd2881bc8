"""The DHR access log refuses TRUNCATE too (issue 20: its rows go only through the disposal service).

The row trigger of migrations 0002 and 0004 refuses UPDATE and DELETE (DELETE allowed only inside
kcsp.governance.disposal.record_dispose), but TRUNCATE fires no row trigger: `TRUNCATE dhr_accesslog` (or
TRUNCATE ... CASCADE of a table it refers to) by hand emptied the log. This statement trigger refuses it always.
The test suite's flush empties tables by DELETE with triggers off (conftest.py), so it is not affected.
"""

from django.db import migrations

NO_TRUNCATE = """
CREATE OR REPLACE FUNCTION dhr_accesslog_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The DHR access log is append-only: it cannot be truncated';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS dhr_accesslog_no_truncate ON dhr_accesslog;
CREATE TRIGGER dhr_accesslog_no_truncate BEFORE TRUNCATE ON dhr_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION dhr_accesslog_no_truncate();
"""
TRUNCATE_ALLOWED = """
DROP TRIGGER IF EXISTS dhr_accesslog_no_truncate ON dhr_accesslog;
DROP FUNCTION IF EXISTS dhr_accesslog_no_truncate();
"""


def no_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_TRUNCATE)


def truncate_allowed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRUNCATE_ALLOWED)


class Migration(migrations.Migration):
    dependencies = [("dhr", "0004_access_log_disposal_only")]

    operations = [migrations.RunPython(no_truncate, truncate_allowed)]
