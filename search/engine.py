"""Running a search over every registered source: PostgreSQL full-text search on stored documents, or SQLite icontains.

Each source's queryset is the user's own visible_to(user) one, so counts, titles and snippets can only
come from what the user may open. Only the rows of the page shown are loaded, through the same querysets, with their
snippets.

PostgreSQL (the vendor check `uses_full_text`): each searchable row has one stored `search.SearchDocument` (kind and
object id, a tsvector of its title weighted A and its body B, GIN-indexed, and its title's vector alone), written in
the same transaction as the row or a row feeding its text (search/indexing.py: bounded, never failing;
`manage.py search_reindex` rebuilds them all). A search is two queries: the typed text's tsquery (tsquery_text),
then ONE query (_full_text_sql) that finds the matching documents once through the GIN index, keeps the rows of each
source's own visible_to(user) queryset among them (permissions are exactly the queryset's), ranks them title hits
first (the small title vector; ts_rank over every match would read every matching body vector) then newest, and
answers a page of them with the total (COUNT(*) OVER ()).
Vectors and queries are normalised alike (migration search/0002): vectors are built from kcsp_search_words() (British
spellings by kcsp_spelling(), then each hyphenated word also joined) in the `kcsp_english` configuration (unaccent,
then English stemming), and the typed text goes through kcsp_search_query() (in-word hyphens read as spaces, the same
kcsp_spelling(), websearch_to_tsquery, each long word also read as the two words it splits into). So "dvorak" finds
"Dvořák", "organization" finds "organisation" and back, and "saferstreets" finds "Safer Streets" and
"Safer-Streets". SQL functions rather than a synonym dictionary: see search/0002. Snippets come
from ts_headline over the row's bounded body text (the text the document was built from), for the page shown only.
No vector is computed over the rows at query time, so no row's text can make a query fail.

SQLite (the demo fallback): no documents; a plain icontains over the rows' fields, as before.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, DateTimeField, F, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .indexing import CONFIG, body_text
from .models import SearchDocument
from .sources import SOURCES, SearchSource

START, STOP = "\ue000", "\ue001"  # private-use characters marking a highlight until the text is escaped
IN_WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


class NormalisedQuery(SearchQuery):
    """kcsp_search_query(typed): a SearchQuery, so Django's @@ lookup, SearchRank and SearchHeadline take it."""

    def __init__(self, value):
        super().__init__(value)
        self.function = "kcsp_search_query"


@dataclass(frozen=True)
class Filters:
    kinds: tuple = ()
    committee_id: int | None = None
    date_from: object = None
    date_to: object = None


@dataclass(frozen=True)
class Hit:
    source: SearchSource
    obj: object
    rank: float
    snippet: SafeString

    @property
    def title(self):
        return self.source.title(self.obj)

    @property
    def url(self):
        return self.source.url(self.obj)

    @property
    def describe(self):
        return self.source.describe(self.obj)


def safe_snippet(marked_text: str) -> SafeString:
    """Escape the text first, then turn only our own markers into <mark>: nothing of the text can become HTML."""
    escaped = escape(marked_text)
    highlighted = re.sub(f"{START}(.*?){STOP}", r"<mark>\1</mark>", escaped, flags=re.S)
    return mark_safe(highlighted.replace(START, "").replace(STOP, ""))  # noqa: S308 - escaped above


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def _field_of(model, path: str):
    for part in path.split("__")[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(path.split("__")[-1])


def _date_expression(source: SearchSource, model):
    if source.date_field is None:
        return Value(None, output_field=DateTimeField()), None
    if isinstance(_field_of(model, source.date_field), DateTimeField):
        return TruncDate(source.date_field), source.date_field
    return F(source.date_field), source.date_field


def _texts(source: SearchSource) -> list:
    return [*source.body_fields, *(source.extra_text() if uses_full_text() else ())]


def search_query(text: str):
    """The typed text as a tsquery normalised as the stored vectors are: kcsp_search_query() of migration search/0002
    (in-word hyphens read as spaces, British spellings, websearch_to_tsquery in `kcsp_english`, long words also
    matched as the two words they split into)."""
    return NormalisedQuery(text)


class ComputedQuery(SearchQuery):
    """A tsquery already computed (its text, from FullTextResults.query_text): no kcsp_search_query() again."""

    def __init__(self, query_text):
        super().__init__(query_text, search_type="raw")
        self.function = None
        self.template = "%(expressions)s::tsquery"


def headline_query(text: str, query_text: str | None = None):
    """The query for snippets: the normalised one (`query_text`, its tsquery already computed, when given), or the
    words as typed, so a word spelled as the typist spelled it is marked even where its British form's lexeme differs
    ("organization" typed, and found, as written)."""
    normalised = search_query(text) if query_text is None else ComputedQuery(query_text)
    return normalised | SearchQuery(IN_WORD_HYPHEN.sub(" ", text), config=CONFIG, search_type="websearch")


def _matching(source: SearchSource, user, text: str, filters: Filters, *, ranked: bool = True, visible=None):
    """This source's visible rows that match, as (kind, pk, rank, date) rows; (kind, pk) rows when not `ranked`.
    `visible`: source.queryset(user) if already built."""
    queryset = (source.queryset(user) if visible is None else visible).order_by()
    if filters.committee_id is not None:
        if not source.committee_field:
            return None
        queryset = queryset.filter(**{source.committee_field: filters.committee_id})
    date, _ = _date_expression(source, queryset.model)
    if (filters.date_from or filters.date_to) and source.date_field is None:
        return None
    queryset = queryset.annotate(search_date=date)
    if filters.date_from:
        queryset = queryset.filter(search_date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(search_date__lte=filters.date_to)
    if uses_full_text():
        # the documents matched once, in the WITH of the query that ranks them (_full_text_sql)
        matched = RawSQL(f"SELECT object_id FROM {MATCHED} WHERE kind = %s", [source.kind])  # noqa: S608, S611
        queryset = queryset.filter(pk__in=matched)
        return queryset.annotate(search_kind=Value(source.kind, output_field=TextField())).values_list(
            "search_kind", "pk", "search_date"
        )
    else:
        paths = [source.title_field, *(f for f in source.body_fields if isinstance(f, str)), *source.fallback_lookups]
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{path}__icontains": text})
        matching_pks = queryset.model.objects.filter(condition).values("pk")
        queryset = queryset.filter(pk__in=matching_pks)
        if ranked:
            title_hit = When(**{f"{source.title_field}__icontains": text}, then=Value(2))
            queryset = queryset.annotate(search_rank=Case(title_hit, default=Value(1), output_field=IntegerField()))
    queryset = queryset.annotate(search_kind=Value(source.kind, output_field=TextField()))
    if not ranked:
        return queryset.values_list("search_kind", "pk")
    return queryset.values_list("search_kind", "pk", "search_rank", "search_date")


MATCHED = "search_matched"  # the WITH query of the documents matching the typed text


class Results:
    """SQLite fallback: the ranked rows, sliced for a page, and their number counted by a second union."""

    def __init__(self, ranked, counted):
        self.ranked, self.counted = ranked, counted

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, index):
        return self.ranked[index]

    def __iter__(self):
        return iter(self.ranked)


def _union(parts):
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


class FullTextResults:
    """PostgreSQL: the ranked (kind, pk, rank, date) rows and their total, a page of them and the total in ONE query
    (COUNT(*) OVER () on the ranked union, then LIMIT/OFFSET). `window` (offset, limit) is the page the caller will
    ask for, so that count() - which a Paginator asks first - fetches that page with it; another slice is a query
    of its own. `query_text` is the typed text's tsquery as text (tsquery_text(), also used by the snippets)."""

    def __init__(self, sql: str, params: list, query_text: str, window=(0, None)):
        self.sql, self.params, self.query_text, self.window = sql, params, query_text, window
        self.fetched: dict = {}  # (offset, limit) -> rows
        self.total: int | None = None

    def _fetch(self, offset: int, limit: int | None) -> list:
        if (offset, limit) not in self.fetched:
            tail = f" LIMIT {int(limit)}" if limit is not None else ""
            with connection.cursor() as cursor:
                cursor.execute(f"{self.sql}{tail} OFFSET {int(offset)}", self.params)
                found = cursor.fetchall()
            if found:
                self.total = found[0][4]
            elif offset == 0:
                self.total = 0
            self.fetched[(offset, limit)] = [row[:4] for row in found]
        return self.fetched[(offset, limit)]

    def count(self) -> int:
        if self.total is None:
            self._fetch(*self.window)
        if self.total is None:  # the window was past the end: count alone
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({self.sql}) AS counted", self.params)  # noqa: S608 - ORM SQL
                self.total = cursor.fetchone()[0]
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice) and index.step is None:
            start = index.start or 0
            limit = None if index.stop is None else max(index.stop - start, 0)
            for (offset, fetched_limit), rows in self.fetched.items():  # e.g. the Paginator's last page, cut short
                if offset == start and (
                    fetched_limit is None or len(rows) < fetched_limit or limit is not None and limit <= fetched_limit
                ):
                    return rows if limit is None else rows[:limit]
            return self._fetch(start, limit)
        return self._fetch(0, None)[index]

    def __iter__(self):
        return iter(self._fetch(0, None))


ORDER = "search_title_hit DESC, search_date DESC NULLS LAST, search_kind, search_pk DESC"


def tsquery_text(text: str) -> str:
    """The typed text's tsquery (kcsp_search_query(), migration search/0002) as text: built once per search, by its
    own small query, so that the planner of the search sees it as a constant (its selectivity estimated from the
    index statistics; a tsquery computed inside the query is planned as matching a few dozen rows, and ten years'
    common words then ran through nested loops) and no later query computes it again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT kcsp_search_query(%s)::text", [text])
        return cursor.fetchone()[0]


def _full_text_sql(parts: list, kinds: list, query_text: str) -> tuple[str | None, list | None]:
    """One query: the documents of the chosen kinds that match the tsquery (`query_text`, tsquery_text()) found once
    through the GIN index (WITH ... MATERIALIZED), each source's visible rows among them (the union of `parts`, each
    the source's own visible_to(user) queryset), ranked title hits first (the small stored title_vector, never the
    body's vector), then newest, then kind and pk; with the total on every row (COUNT(*) OVER ()).
    (None, None) when no part can hold a row."""
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    branches, params = [], [query_text, list(kinds)]
    for part in parts:
        try:
            sql, part_params = part.query.sql_with_params()
        except EmptyResultSet:  # a source this user may open nothing of (e.g. visible_to answered none())
            continue
        branches.append(f"({sql})")
        params.extend(part_params)
    if not branches:
        return None, None
    union = " UNION ALL ".join(branches)
    sql = (
        f"WITH {MATCHED} AS MATERIALIZED (SELECT document.kind, document.object_id, "  # noqa: S608 - ORM SQL
        "coalesce(document.title_vector @@ search_query.query, false) AS title_hit "
        f"FROM {table} AS document, (SELECT %s::tsquery AS query) AS search_query "
        "WHERE document.vector @@ search_query.query AND document.kind = ANY(%s)) "
        f"SELECT visible.search_kind, visible.search_pk, {MATCHED}.title_hit AS search_title_hit, visible.search_date, "
        "count(*) OVER () "
        f"FROM ({union}) AS visible (search_kind, search_pk, search_date) "
        f"JOIN {MATCHED} ON {MATCHED}.kind = visible.search_kind AND {MATCHED}.object_id = visible.search_pk "
        f"ORDER BY {ORDER}"
    )
    return sql, params


def search_rows(user, text: str, filters: Filters = Filters(), window=(0, None)):
    """Every visible match as ranked (kind, pk, rank, date) rows to slice and a count (None when no source
    applies to the filters). PostgreSQL: a FullTextResults, rank True for a title hit, False otherwise; `window`
    (offset, limit) is the slice that will be asked for (see FullTextResults). SQLite: Results, rank 2 or 1."""
    chosen = [source for source in SOURCES if not filters.kinds or source.kind in filters.kinds]
    if uses_full_text():
        visible = {source.kind: source.queryset(user) for source in chosen}
        kept = [
            (source, rows)
            for source in chosen
            if (rows := _matching(source, user, text, filters, visible=visible[source.kind])) is not None
        ]
        if not kept:
            return None
        query_text = tsquery_text(text)
        sql, params = _full_text_sql([rows for _, rows in kept], [source.kind for source, _ in kept], query_text)
        if not sql:
            return []
        results = FullTextResults(sql, params, query_text, window)
        results.visible = visible  # for hits_for: each source's visible_to(user) queryset, built once
        return results
    parts = [rows for source in chosen if (rows := _matching(source, user, text, filters)) is not None]
    if not parts:
        return None
    counted = [rows for source in chosen if (rows := _matching(source, user, text, filters, ranked=False)) is not None]
    ranked = _union(parts).order_by("-search_rank", F("search_date").desc(nulls_last=True), "search_kind", "-pk")
    return Results(ranked, _union(counted))


def _marked_fallback(text: str, body: str, width: int = 240) -> str:
    words = [re.escape(word) for word in text.split() if word]
    if not body or not words:
        return body[:width]
    pattern = re.compile("|".join(words), re.IGNORECASE)
    found = pattern.search(body)
    start = max(0, found.start() - width // 3) if found else 0
    excerpt = body[start : start + width]
    excerpt = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", excerpt)
    return ("… " if start else "") + excerpt + (" …" if start + width < len(body) else "")


def hits_for(user, text: str, rows, query_text: str | None = None, visible: dict | None = None) -> list[Hit]:
    """Load the objects of one page of rows, through the sources' own querysets, with their snippets (`query_text`:
    the typed text's tsquery already computed, FullTextResults.query_text; `visible`: {kind: source.queryset(user)}
    already built for this user in this request, FullTextResults.visible)."""
    wanted: dict[str, list] = {}
    for kind, pk, _rank, _date in rows:
        wanted.setdefault(kind, []).append(pk)
    loaded = {}
    for source in SOURCES:
        if source.kind not in wanted:
            continue
        base = (visible or {}).get(source.kind)
        queryset = (source.queryset(user) if base is None else base).filter(pk__in=wanted[source.kind])
        if uses_full_text():
            from django.contrib.postgres.search import SearchHeadline

            headline = SearchHeadline(
                body_text(source),
                headline_query(text, query_text),
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
            for obj in queryset.annotate(search_headline=headline):
                loaded[(source.kind, obj.pk)] = (source, obj, obj.search_headline or "")
        else:
            space = Value(" ", output_field=TextField())
            parts = [Cast(part, TextField()) for part in _texts(source)]
            body = Concat(*[item for part in parts for item in (part, space)], output_field=TextField())
            for obj in queryset.annotate(search_body=body):
                loaded[(source.kind, obj.pk)] = (source, obj, _marked_fallback(text, obj.search_body or ""))
    hits = []
    for kind, pk, rank, _date in rows:
        if (kind, pk) in loaded:  # gone or no longer visible since the count: left out, never shown
            source, obj, marked = loaded[(kind, pk)]
            hits.append(Hit(source, obj, rank, safe_snippet(marked.strip())))
    return hits
