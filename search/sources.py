"""What the site search looks through: one registration per kind of thing, each starting from visible_to(user).

A new source is one `SearchSource` passed to `register()` (from its app's ready(), or listed below):
it names the kind, the permission-aware queryset, the fields searched and how a hit is shown.
Domestic Homicide Review material is never a source: DHR items and everything hanging from them
are left out here for every user, and no model of the `dhr` app may be registered.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Left
from django.urls import reverse


class JsonListText(Func):
    """A JSON list of strings (a plan item's actions or measures) as its strings, one per line, so snippets read as
    the plan does (not '["Undertake DHRs", ...]'); any other JSON value as its JSON text, so no row can fail."""

    template = (
        "CASE WHEN jsonb_typeof(%(expressions)s::jsonb) = 'array' "
        "THEN array_to_string(ARRAY(SELECT jsonb_array_elements_text(%(expressions)s::jsonb)), E'\\n') "
        "ELSE %(expressions)s::text END"
    )
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return Cast(self.source_expressions[0], TextField()).as_sql(compiler, connection)


@dataclass(frozen=True)
class SearchSource:
    kind: str  # used in the query string and the kind filter
    label: str  # the filter's label (plural)
    singular: str  # shown on each result
    queryset: Callable  # user -> QuerySet of exactly what this user may open
    title_field: str  # ranked highest
    body_fields: tuple  # field paths or expressions searched and used for the snippet
    title: Callable  # obj -> str
    url: Callable  # obj -> str
    date_field: str | None = None  # a date or datetime path, for the date filter and the ordering
    committee_field: str | None = None  # a committee id path, for the committee filter
    describe: Callable = lambda obj: ""  # a short line under the title (where, when)
    # PostgreSQL: extra text expressions (e.g. child rows joined); SQLite: extra icontains paths instead.
    extra_text: Callable = lambda: ()
    fallback_lookups: tuple = field(default_factory=tuple)
    # The path from a row to the agenda item that makes it Domestic Homicide Review material ("" for the item itself),
    # None when no row of the source can be: the stored documents never hold DHR text (search/indexing.py).
    dhr_item_path: str | None = None
    # Other models whose rows feed this source's text, as ("app.Model", path from this source's model to it):
    # saving or deleting one refreshes the documents of the rows it feeds (search/indexing.py).
    watches: tuple = ()


SOURCES: list[SearchSource] = []


def register(source: SearchSource) -> SearchSource:
    if source.queryset.__module__.startswith("dhr"):
        raise ValueError("Domestic Homicide Review material is never searchable.")
    if any(existing.kind == source.kind for existing in SOURCES):
        raise ValueError(f"A search source of kind {source.kind!r} is already registered.")
    SOURCES.append(source)
    return source


@cache
def model_of(source: SearchSource):
    """The model a source's rows are (its queryset for the anonymous visitor builds no query)."""
    from django.contrib.auth.models import AnonymousUser

    return source.queryset(AnonymousUser()).model


def source_for(kind: str) -> SearchSource | None:
    return next((source for source in SOURCES if source.kind == kind), None)


CHILD_LIMIT = 50_000  # characters taken from each child row (one long appendix never crowds out the others)


def joined_children(model, parent_field: str, text_field: str):
    """The text of a parent's child rows joined into one string (PostgreSQL's string_agg), each row's first
    CHILD_LIMIT characters."""
    from django.contrib.postgres.aggregates import StringAgg

    rows = (
        model.objects.filter(**{parent_field: OuterRef("pk")})
        .values(parent_field)
        .annotate(text=StringAgg(Left(Cast(text_field, TextField()), CHILD_LIMIT), " "))
        .values("text")[:1]
    )
    return Coalesce(Subquery(rows), Value("", output_field=TextField()))


def markup_words(text_field: str):
    """A field written in the papers' markup (kcsp/markup.py) as words for search and snippets: backslash escapes
    undone, then the markup's own punctuation (* _ # | ` [ ]) turned into spaces (PostgreSQL regexp_replace)."""
    unescaped = Func(
        F(text_field),
        Value(r"\\([[:punct:]])"),
        Value(r"\1"),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Func(
        unescaped, Value(r"[*_#|`\[\]]+"), Value(" "), Value("g"), function="regexp_replace", output_field=TextField()
    )


# --- committee business (meetings app) ------------------------------------------------------------------


def _meetings(user):
    from meetings.models import Meeting

    return Meeting.objects.visible_to(user).select_related("committee")


def _items(user):
    from meetings import access
    from meetings.models import AgendaItem

    visible = AgendaItem.objects.visible_to(user).exclude(access.dhr_q())
    return visible.select_related("meeting__committee")


def _papers(user):
    from meetings import access
    from meetings.models import Paper

    visible = Paper.objects.visible_to(user).exclude(access.dhr_q("item__"))
    return visible.select_related("item__meeting__committee")


def _paper_children():
    from meetings.models import Appendix, PaperSection

    return (
        joined_children(PaperSection, "paper", "heading"),
        joined_children(PaperSection, "paper", markup_words("body")),
        joined_children(Appendix, "paper", "title"),
        joined_children(Appendix, "paper", "extracted_text"),
    )


def _minutes(user):
    from meetings import access
    from meetings.models import Minute

    visible = Minute.objects.visible_to(user).exclude(access.dhr_q("item__"))
    return visible.select_related("meeting__committee", "item")


def _actions(user):
    from meetings import access
    from meetings.models import Action

    visible = Action.objects.visible_to(user).exclude(access.dhr_q("minute__item__"))
    return visible.select_related("minute__meeting__committee", "owner")


# --- the action plan (agreement app) --------------------------------------------------------------------


def _plan_items(user):
    """Current items of the versions this user may read; a published version superseded by a later one is left out."""
    from agreement.models import PlanItem, PlanVersion

    newer = PlanVersion.objects.filter(
        plan=OuterRef("plan"), status=PlanVersion.Status.PUBLISHED, number__gt=OuterRef("number")
    )
    versions = PlanVersion.objects.visible_to(user).filter(Q(status=PlanVersion.Status.DRAFT) | ~Exists(newer))
    return (
        PlanItem.objects.current().filter(version__in=versions).select_related("version__plan__agreement", "priority")
    )


# --- the Crime Reduction Grant (grants app) -------------------------------------------------------------


def _bids(user):
    from grants.models import Bid

    return Bid.objects.visible_to(user).select_related("grant_year", "applicant_organisation")


def _minute_url(minute) -> str:
    return reverse("meetings:minutes", args=[minute.meeting_id]) + f"#minute-{minute.number}"


for _source in (
    SearchSource(
        kind="meeting",
        label="Meetings",
        singular="Meeting",
        queryset=_meetings,
        title_field="committee__name",
        body_fields=("venue",),
        title=str,
        url=lambda m: m.get_absolute_url(),
        date_field="starts_at",
        committee_field="committee_id",
        describe=lambda m: m.get_status_display(),
        watches=(("meetings.Committee", "committee"),),
    ),
    SearchSource(
        kind="item",
        label="Agenda items",
        singular="Agenda item",
        queryset=_items,
        title_field="title",
        body_fields=("description", "restriction_note"),
        dhr_item_path="",
        title=lambda i: f"{i.code} {i.title}",
        url=lambda i: i.get_absolute_url(),
        date_field="meeting__starts_at",
        committee_field="meeting__committee_id",
        describe=lambda i: str(i.meeting),
    ),
    SearchSource(
        kind="paper",
        label="Papers",
        singular="Paper",
        queryset=_papers,
        title_field="subject",
        body_fields=("summary", "recommendations", "authors", "extracted_text"),
        extra_text=_paper_children,
        fallback_lookups=("sections__heading", "sections__body", "appendices__title", "appendices__extracted_text"),
        watches=(
            ("meetings.PaperSection", "sections"),
            ("meetings.Appendix", "appendices"),
            ("meetings.AgendaItem", "item"),  # an item made a DHR item takes its papers' documents away
        ),
        dhr_item_path="item__",
        title=str,
        url=lambda p: p.get_absolute_url(),
        date_field="item__meeting__starts_at",
        committee_field="item__meeting__committee_id",
        describe=lambda p: f"{p.item.code}, {p.item.meeting}",
    ),
    SearchSource(
        kind="minute",
        label="Minutes and resolutions",
        singular="Minute",
        queryset=_minutes,
        title_field="title",
        body_fields=("text",),
        watches=(("meetings.AgendaItem", "item"),),
        dhr_item_path="item__",
        title=lambda m: f"{m.number}. {m.title}",
        url=_minute_url,
        date_field="meeting__starts_at",
        committee_field="committee_id",
        describe=lambda m: f"Minutes of {m.meeting}" + ("" if m.meeting.minutes_are_approved else " (draft)"),
    ),
    SearchSource(
        kind="action",
        label="Actions",
        singular="Action",
        queryset=_actions,
        title_field="text",
        body_fields=("progress",),
        watches=(("meetings.AgendaItem", "minute__item"),),
        dhr_item_path="minute__item__",
        title=str,
        url=lambda a: _minute_url(a.minute),
        date_field="due_on",
        committee_field="minute__committee_id",
        describe=lambda a: f"{a.owner}, due {a.due_on:%-d %B %Y}, {a.get_status_display().lower()}",
    ),
    SearchSource(
        kind="plan_item",
        label="Action plan items",
        singular="Action plan item",
        queryset=_plan_items,
        title_field="objective",
        body_fields=(JsonListText("actions"), JsonListText("measures"), "lead_text", "timescale"),
        title=lambda i: f"{i.number} {i.objective[:120]}",
        url=lambda i: i.get_absolute_url(),
        date_field="updated_at",
        describe=lambda i: f"{i.version.plan}, {i.version.label}",
    ),
    SearchSource(
        kind="bid",
        label="Grant bids",
        singular="Grant bid",
        queryset=_bids,
        title_field="title",
        body_fields=("description", "outcomes", "match_funding_source", "applicant_organisation__name"),
        title=lambda b: f"{b.reference} {b.title}",
        url=lambda b: b.get_absolute_url(),
        date_field="created_at",
        describe=lambda b: f"{b.applicant_organisation}, {b.get_status_display().lower()}",
        watches=(("kcsp.Organisation", "applicant_organisation"),),
    ),
):
    register(_source)
