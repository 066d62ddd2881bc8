"""The title's lexemes stored alone (`title_vector`), so a search ranks its matches (title hits first, then newest)
without reading every matching document's whole vector (search/engine.py).

Existing documents get theirs from their own vector's A-weighted lexemes (ts_filter: exactly the title, with its
positions), in PostgreSQL only; no reindex is needed. On SQLite the column is added and stays empty."""

import importlib

import django.contrib.postgres.search
from django.db import migrations

PostgreSQLOnly = importlib.import_module("search.migrations.0001_initial").PostgreSQLOnly

FILL = "UPDATE search_searchdocument SET title_vector = ts_filter(vector, '{a}') WHERE vector IS NOT NULL;"


class Migration(migrations.Migration):
    dependencies = [("search", "0002_spelling_and_joined_words")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        PostgreSQLOnly(migrations.RunSQL(FILL, migrations.RunSQL.noop)),
    ]
