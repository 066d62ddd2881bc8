"""Shared helpers of the record types' `dispose` (kcsp/governance/record_types.py): erase what hangs off a record.

- `history_erase(model, ids)`: the django-simple-history rows of those records (the old values an anonymised or
  deleted record leaves behind).
- `search_erase(objects)`: the search app's stored documents of those rows (search.SearchDocument, keyed by the
  source's `kind` and the row's primary key: search/sources.py, search/indexing.py).
- `files_erase(field_files)`: stored files, deleted from storage once the transaction commits.
- `pack_caches_erase(meeting=..., packs=...)`: built pack files, readers' kept copies (kcsp/kept_copies.py) and the
  public page cache's generation (kcsp/pagecache.py), so no cached rendition outlives the disposal.
- `rows_delete(queryset)`: delete rows with everything Django's delete cascades to, and for every row removed its
  history rows, search documents and stored files. Raises DisposalRefused when another record still refers to one
  (a PROTECT foreign key), naming what.
- `due_rows(...)`: the SQL for "trigger date + period_months <= as_of".

- `downloads_erase(model, ids)`: the download records (kcsp.FileDownload) of those records.

Every function answers how many things it removed, for kcsp.governance.record_types.Disposed.
"""

import datetime
from collections.abc import Iterable

from django.db import models, router, transaction
from django.db.models import F, Func
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.functions import Cast

from .record_types import DisposalRefused, Disposed


def history_erase(model, ids) -> int:
    """Delete the simple-history rows of `model`'s records `ids`; 0 for a model without history. Call it after
    deleting the records (deleting writes one more history row each) and after anonymising them."""
    history = getattr(model, "history", None)
    ids = [pk for pk in ids if pk is not None]
    if history is None or not ids:
        return 0
    deleted, _ = history.model.objects.filter(**{f"{model._meta.pk.attname}__in": ids}).delete()
    return deleted


def search_erase(objects: Iterable) -> int:
    """Delete the stored search documents of these model instances (any mix of models); returns how many went.

    A document is (`kind`, `object_id`) of a search source whose model is the row's model (search/sources.py)."""
    from search.models import SearchDocument
    from search.sources import SOURCES, model_of

    by_model: dict = {}
    for obj in objects:
        by_model.setdefault(type(obj)._meta.concrete_model, set()).add(obj.pk)
    removed = 0
    for model, pks in by_model.items():
        kinds = [source.kind for source in SOURCES if model_of(source)._meta.concrete_model is model]
        if kinds:
            removed += SearchDocument.objects.filter(kind__in=kinds, object_id__in=pks).delete()[0]
    return removed


def search_erase_ids(model, ids) -> int:
    """`search_erase` by primary keys, without loading the rows."""
    from search.models import SearchDocument
    from search.sources import SOURCES, model_of

    kinds = [source.kind for source in SOURCES if model_of(source)._meta.concrete_model is model._meta.concrete_model]
    if not kinds or not ids:
        return 0
    return SearchDocument.objects.filter(kind__in=kinds, object_id__in=list(ids)).delete()[0]


def files_erase(field_files: Iterable) -> int:
    """Delete these stored files (FieldFile values; empty ones are skipped) once the transaction commits; returns
    how many there were. The rows are the caller's to delete or blank: nothing here saves a model."""
    return _stored_erase([(ff.storage, ff.name) for ff in field_files if ff and ff.name])


def _stored_erase(names: list) -> int:
    """Delete (storage, name) pairs once the transaction commits; answers how many."""

    def delete():
        for storage, name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)
    return len(names)


def pack_caches_erase(*, meeting=None, packs=(), files: bool = True) -> int:
    """Remove the built files of the meeting's packs (or of `packs`; not when `files` is False, for packs whose rows
    `rows_delete` removes with their files), every reader's kept copy of them (kcsp/kept_copies.py), and move the
    public page cache on (kcsp/pagecache.py); returns how many pack files are deleted (after commit). The Pack rows
    themselves are the caller's."""
    from kcsp.kept_copies import kept_copies_clear
    from kcsp.pagecache import generation_bump
    from meetings.models import Pack

    packs = list(packs)
    if meeting is not None:
        packs += list(Pack.objects.filter(meeting=meeting))
    removed = files_erase(pack.file for pack in packs) if files else 0
    groups = [f"pack-{pack.pk}" for pack in packs]
    transaction.on_commit(lambda: [kept_copies_clear(group) for group in groups])
    generation_bump()
    return removed


def downloads_erase(model, ids) -> int:
    """Delete the download records (kcsp.FileDownload) of these records of `model`: who fetched a file of a record
    goes with the record (retention "pack": packs, pack reads and download records)."""
    from django.contrib.contenttypes.models import ContentType

    from kcsp.models import FileDownload

    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return 0
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return FileDownload.objects.filter(content_type=content_type, object_id__in=ids).delete()[0]


def _file_fields(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def rows_delete(queryset) -> Disposed:
    """Delete the rows of `queryset` and everything that cascades from them, with every removed row's history rows,
    search documents and stored files (after commit). Raises DisposalRefused, changing nothing, when a record
    still refers to one of them through a protected link."""
    using = router.db_for_write(queryset.model)
    collector = Collector(using=using)
    try:
        collector.collect(queryset)
    except (ProtectedError, RestrictedError) as error:
        found = sorted({str(obj._meta.verbose_name_plural) for obj in error.args[1]})
        message = f"Other records still refer to it ({', '.join(found)}): dispose of those first."
        raise DisposalRefused(message) from None
    removed: list[tuple] = []  # (model, ids)
    done = Disposed()
    for model, instances in collector.data.items():
        instances = list(instances)
        removed.append((model, [obj.pk for obj in instances]))
        done.files_removed += files_erase(getattr(obj, name) for obj in instances for name in _file_fields(model))
        done.search_documents_removed += search_erase(instances)
    for fast in collector.fast_deletes:
        model = fast.model
        names = _file_fields(model)
        rows = list(fast.values_list("pk", *names))
        removed.append((model, [row[0] for row in rows]))
        storages = [model._meta.get_field(name).storage for name in names]
        done.files_removed += _stored_erase(
            [(storage, name) for row in rows for storage, name in zip(storages, row[1:], strict=True) if name]
        )
        done.search_documents_removed += search_erase_ids(model, [row[0] for row in rows])
    from meetings.models import Pack

    packs = [obj for obj in collector.data.get(Pack, ())]
    if packs:
        pack_caches_erase(packs=packs, files=False)  # their files go with the rows, above
    collector.delete()
    for model, ids in removed:
        done.history_rows_removed += history_erase(model, ids)
        downloads_erase(model, ids)
    return done


def months_after(expression, months: int):
    """SQL: the date `months` calendar months after `expression` (a date or datetime; PostgreSQL make_interval:
    31 January + 1 month is 28 or 29 February)."""
    return Func(
        Cast(expression, models.DateField()),
        template=f"(%(expressions)s + make_interval(months => {int(months)}))::date",
        output_field=models.DateField(),
    )


def due_rows(queryset, *, trigger, months: int | None, as_of: datetime.date):
    """`queryset` annotated with `due_on` (the trigger expression + `months`), only the rows due on or before
    `as_of`; none when `months` is None (kept permanently) or the trigger date is unknown (NULL)."""
    rows = (
        queryset.annotate(trigger_on=trigger)
        .filter(trigger_on__isnull=False)
        .annotate(due_on=months_after(F("trigger_on"), months or 0))
        .filter(due_on__lte=as_of)
    )
    return rows.none() if months is None else rows


def history_date(model, *, first: bool):
    """SQL: the date of a row's first (creation) or last history row, for CREATED and LAST_ACTIVITY triggers of
    models that keep no date of their own."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import TruncDate

    rows = model.history.model.objects.filter(**{model._meta.pk.attname: OuterRef("pk")})
    ordered = rows.order_by("history_date" if first else "-history_date").values("history_date")[:1]
    return TruncDate(Subquery(ordered))
