"""The stored search documents: one weighted text-search vector per searchable row, kept by search/indexing.py."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """What one row of one search source (search/sources.py, `kind`) is found by: its title weighted A, its body B.

    Read only joined to the source's own visible_to(user) queryset (search/engine.py), never listed on its own.
    `vector` is built in PostgreSQL with the `kcsp_english` configuration (migration 0001); it stays empty on
    the SQLite demo fallback, which searches the rows themselves."""

    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    vector = SearchVectorField(null=True)
    # The title's lexemes alone (as weighted A in `vector`): a small vector that ranks a match (title hits first)
    # without reading the body's (migration 0003).
    title_vector = SearchVectorField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_one_per_row")]
        indexes = [GinIndex(fields=["vector"], name="search_document_vector")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
