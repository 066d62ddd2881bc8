"""Keeping the stored search documents (search.SearchDocument) current: built in PostgreSQL from each source's fields.

A row's document is rebuilt in the same transaction as the change that saves or deletes it or a row feeding its
text (a source's `watches`), by signal receivers connected in search/apps.py: it is committed with the change,
rolled back with it and found at once. Bulk writes that send no signals (QuerySet.update, bulk_create) are caught
up by `documents_refresh_rows` where the code does them (meetings/agenda_setup.py's standard items) and by
`manage.py search_reindex`, which rebuilds every document (`documents_rebuild`).

Bounds (PostgreSQL refuses a tsvector over 1 MB and keeps at most 256 positions a word and positions up to 16,383):
the title's first TITLE_LIMIT characters (also stored alone as `title_vector`, which ranks: search/engine.py),
each body part's first PART_LIMIT and all of them together BODY_LIMIT
(under 0.5 MB of vector for any text). A row whose document still cannot be built is indexed by its title alone,
or left without a document, and logged: one row never fails a save, a rebuild or a search.
"""

import logging

from django.apps import apps
from django.contrib.postgres.search import SearchVector
from django.db import DatabaseError, connection, transaction
from django.db.models import Func, TextField, Value
from django.db.models.functions import Cast, Concat, Left

from .models import SearchDocument
from .sources import SOURCES, SearchSource, model_of

log = logging.getLogger(__name__)

CONFIG = "kcsp_english"  # migration 0001: English stemming after unaccent, for vectors and queries alike
TITLE_LIMIT = 2_000
PART_LIMIT = 100_000
BODY_LIMIT = 100_000
BATCH = 1_000


def enabled() -> bool:
    """Stored documents exist only on PostgreSQL; the SQLite demo fallback searches the rows themselves."""
    return connection.vendor == "postgresql"


def _words(expression):
    """kcsp_search_words(): the text in British spelling (kcsp_spelling(), migration search/0002, as queries are), with
    the joined form of each hyphenated word added ("safer-streets" also as "saferstreets")."""
    return Func(expression, function="kcsp_search_words", output_field=TextField())


def body_text(source: SearchSource, parts=None):
    """The body text of a source's row as one SQL expression: each part bounded, then the whole."""
    space = Value(" ", output_field=TextField())
    parts = [*source.body_fields, *source.extra_text()] if parts is None else parts
    bounded = [Left(Cast(part, TextField()), PART_LIMIT) for part in parts]
    if not bounded:
        return Value("", output_field=TextField())
    spaced = [item for part in bounded for item in (part, space)][:-1]
    joined = spaced[0] if len(spaced) == 1 else Concat(*spaced, output_field=TextField())
    return Left(joined, BODY_LIMIT)


def _title_vector(source: SearchSource):
    return SearchVector(_words(Left(Cast(source.title_field, TextField()), TITLE_LIMIT)), weight="A", config=CONFIG)


def _vector(source: SearchSource, *, with_body: bool = True):
    title = _title_vector(source)
    if not with_body:
        return title
    return title + SearchVector(_words(body_text(source)), weight="B", config=CONFIG)


def indexable(source: SearchSource, pks):
    """The rows among `pks` that have a document: all that exist, but for Domestic Homicide Review material, which
    is never searchable (search/sources.py) and so never stored in a document either."""
    from meetings import access

    rows = model_of(source)._default_manager.filter(pk__in=pks)
    return rows if source.dhr_item_path is None else rows.exclude(access.dhr_q(source.dhr_item_path))


def _upsert(source: SearchSource, pks, *, with_body: bool = True) -> None:
    rows = (
        indexable(source, pks)
        .order_by()
        .annotate(doc_kind=Value(source.kind, output_field=TextField()))
        .annotate(doc_vector=_vector(source, with_body=with_body), doc_title=_title_vector(source))
        .values_list("doc_kind", "pk", "doc_vector", "doc_title")
    )
    select, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, object_id, vector, title_vector, updated_at) "  # noqa: S608 - ORM SQL
            f"SELECT doc.*, now() FROM ({select}) AS doc "
            "ON CONFLICT (kind, object_id) DO UPDATE SET vector = EXCLUDED.vector, "
            "title_vector = EXCLUDED.title_vector, updated_at = EXCLUDED.updated_at",
            params,
        )


def _upsert_each(source: SearchSource, pks) -> None:
    """One row at a time, after a batch failed: a row that fails with its body is indexed by its title alone."""
    for pk in pks:
        for with_body in (True, False):
            try:
                with transaction.atomic():
                    _upsert(source, [pk], with_body=with_body)
                break
            except DatabaseError:
                log.warning("search: %s %s could not be indexed%s", source.kind, pk, "" if with_body else " at all")


def documents_refresh(*, source: SearchSource, pks) -> None:
    """Rebuild the documents of these rows of `source` (primary keys); a row that no longer exists loses its own.

    PostgreSQL only (a no-op elsewhere). Never raises for a row's text: see the module docstring."""
    pks = sorted({pk for pk in pks if pk is not None})
    if not pks or not enabled():
        return
    SearchDocument.objects.filter(kind=source.kind, object_id__in=pks).exclude(
        object_id__in=indexable(source, pks).values("pk")
    ).delete()
    try:
        with transaction.atomic():
            _upsert(source, pks)
    except DatabaseError:
        _upsert_each(source, pks)


def documents_rebuild(*, kinds=None, batch: int = BATCH) -> dict[str, int]:
    """Rebuild every document of the sources of these kinds (all when None), dropping those of rows gone or of
    kinds no longer registered; answers {kind: documents written}. PostgreSQL only ({} elsewhere)."""
    if not enabled():
        return {}
    chosen = [source for source in SOURCES if kinds is None or source.kind in kinds]
    if kinds is None:
        SearchDocument.objects.exclude(kind__in=[source.kind for source in SOURCES]).delete()
    written = {}
    for source in chosen:
        model = model_of(source)
        SearchDocument.objects.filter(kind=source.kind).exclude(
            object_id__in=model._default_manager.values("pk")
        ).delete()
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch):
            documents_refresh(source=source, pks=pks[start : start + batch])
        written[source.kind] = len(pks)
    return written


# --- keeping documents current: signal receivers (connected in apps.py) ------------------------------------------


def _feeds(model) -> list[tuple[SearchSource, str | None]]:
    """(source, path from the source's model to `model`, None for the source's own rows) for each source fed."""
    found = []
    for source in SOURCES:
        if model_of(source) is model:
            found.append((source, None))
        for label, path in source.watches:
            if apps.get_model(label) is model:
                found.append((source, path))
    return found


_FEEDS: dict = {}


def feeds(model) -> list:
    key = (model, len(SOURCES))
    if key not in _FEEDS:
        _FEEDS[key] = _feeds(model)
    return _FEEDS[key]


def _fed_pks(source: SearchSource, path: str | None, instance) -> list:
    if path is None:
        return [instance.pk]
    return list(model_of(source)._default_manager.filter(**{path: instance.pk}).values_list("pk", flat=True))


def documents_refresh_rows(*, model, pks) -> None:
    """Rebuild the documents these rows of `model` are or feed: for writes that send no signals (bulk_create,
    QuerySet.update) of text that is searched. PostgreSQL only."""
    if not enabled():
        return
    for source, path in feeds(model):
        fed = pks
        if path is not None:
            fed = model_of(source)._default_manager.filter(**{f"{path}__in": pks}).values_list("pk", flat=True)
        documents_refresh(source=source, pks=list(fed))


def on_save(sender, instance, **kwargs) -> None:
    if not enabled():
        return
    for source, path in feeds(sender):
        documents_refresh(source=source, pks=_fed_pks(source, path, instance))


def before_delete(sender, instance, **kwargs) -> None:
    """Note the rows a watched row feeds while it still exists (its relation is gone after the delete)."""
    if not enabled():
        return
    fed = [(source, _fed_pks(source, path, instance)) for source, path in feeds(sender) if path is not None]
    if fed:
        instance._search_fed = fed


def on_delete(sender, instance, **kwargs) -> None:
    if not enabled():
        return
    for source, path in feeds(sender):
        if path is None:
            documents_refresh(source=source, pks=[instance.pk])
    for source, pks in getattr(instance, "_search_fed", ()):
        documents_refresh(source=source, pks=pks)
