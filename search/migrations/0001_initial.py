"""The search documents table, and in PostgreSQL only: the unaccent extension, the `kcsp_english` text-search
configuration (English stemming after unaccent), `kcsp_search_words(text)` (the text with the joined form of each
hyphenated word added) and the GIN index on the vectors. Each step is skipped on SQLite and where it already exists.

`CREATE EXTENSION unaccent` needs a superuser (or, from PostgreSQL 13, a trusted-extension creator on the database);
where the migrating user is neither, run it once as one first: see README, "Search in PostgreSQL"."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

CONFIGURATION = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kcsp_english') THEN
        CREATE TEXT SEARCH CONFIGURATION kcsp_english (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION kcsp_english
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
END $$;
CREATE OR REPLACE FUNCTION kcsp_search_words(words text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN words || ' ' || coalesce(
        (SELECT string_agg(replace(found[1], '-', ''), ' ')
         FROM regexp_matches(words, '([[:alnum:]]+(-[[:alnum:]]+)+)', 'g') AS found),
        '');
"""
UNDO = "DROP FUNCTION IF EXISTS kcsp_search_words(text); DROP TEXT SEARCH CONFIGURATION IF EXISTS kcsp_english;"


class PostgreSQLOnly(migrations.operations.base.Operation):
    """Runs `operation` on PostgreSQL and only records it in the migration state elsewhere (the SQLite demo)."""

    reversible = True

    def __init__(self, operation):
        self.operation = operation

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (PostgreSQL only)"

    def deconstruct(self):
        return self.__class__.__name__, [self.operation], {}


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        UnaccentExtension(),  # Django's CreateExtension: skipped off PostgreSQL and where it exists
        PostgreSQLOnly(migrations.RunSQL(CONFIGURATION, UNDO)),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=32)),
                ("object_id", models.BigIntegerField()),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "object_id"), name="search_document_one_per_row")
                ],
            },
        ),
        PostgreSQLOnly(
            migrations.AddIndex(
                model_name="searchdocument",
                index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="search_document_vector"),
            )
        ),
    ]
