"""The API's object types: for each, its rows for a user, how one is found by its URL key, its filters, what a
page of them needs fetched in advance (constant queries per page), and its serializer."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from rest_framework import serializers

from . import sources
from .documents import FileSerializer, MeetingSerializer, PaperSerializer
from .serializers import (
    AgendaItemSerializer,
    ConsultationSerializer,
    LegislativeTermSerializer,
    LocationSerializer,
    MembershipSerializer,
    OrganizationSerializer,
    PersonSerializer,
)

NUMBER = re.compile(r"[0-9]{1,12}")


def by_pk(rows, key: str):
    return rows.filter(pk=int(key)).first() if NUMBER.fullmatch(key) else None


def nothing(rows, context, user):
    return None


def query_serializer(name: str, filters: dict) -> type[serializers.Serializer]:
    from .views import ListQuery

    fields = {parameter: serializers.IntegerField(required=False, min_value=1) for parameter in filters}
    return type(f"{name}Query", (ListQuery,), fields)


@dataclass(frozen=True)
class Resource:
    name: str  # path part and URL name: "meeting" -> api:meeting-list, api:meeting-detail
    oparl_type: str
    serializer: type
    rows: Callable  # user -> rows
    get: Callable = None  # (user, key) -> row or None
    filters: dict = field(default_factory=dict)  # query parameter -> lookup
    prepare: Callable = nothing  # (rows of a page, context, user): fetch what the page embeds

    @property
    def view(self) -> str:
        return f"api:{self.name}-detail"

    @property
    def query(self):
        return query_serializer(self.oparl_type, self.filters)

    def narrow(self, rows, values: dict, dates: dict):
        """The rows within OParl's date filters and this type's own filters."""
        from .views import Chain

        own = {lookup: values[p] for p, lookup in self.filters.items() if p in values}
        if isinstance(rows, Chain):
            return Chain(*(self.narrow(part, values, dates) for part in rows.parts))
        if isinstance(rows, QuerySet):
            bounds = {
                "created_since": "oparl_created__gte",
                "created_until": "oparl_created__lte",
                "modified_since": "oparl_modified__gte",
                "modified_until": "oparl_modified__lte",
            }
            return rows.filter(**own, **{bounds[k]: v for k, v in dates.items()})
        if hasattr(rows, "between"):
            return rows.between(**dates)
        return [row for row in rows if within(row.oparl_created, row.oparl_modified, dates)]


def within(created, modified, dates: dict) -> bool:
    checks = (
        ("created_since", lambda v: created >= v),
        ("created_until", lambda v: created <= v),
        ("modified_since", lambda v: modified >= v),
        ("modified_until", lambda v: modified <= v),
    )
    return all(test(dates[key]) for key, test in checks if key in dates)


def one(rows_of: Callable) -> Callable:
    return lambda user, key: by_pk(rows_of(user), key)


# --- what pages embed ------------------------------------------------------------------------------------------


def organization_rows(user):
    from .views import Chain

    return Chain(sources.committees(user), sources.partners(user))


def organization_get(user, key: str):
    if key.startswith("org-"):
        return by_pk(sources.partners(user), key.removeprefix("org-"))
    return by_pk(sources.committees(user), key)


def organization_prepare(rows, context, user):
    committees = [row.pk for row in rows if row._meta.model_name == "committee"]
    partners = [row.pk for row in rows if row._meta.model_name != "committee"]
    found: dict[str, list[int]] = {}
    visible = sources.memberships(user).order_by("pk")
    for pk, committee in visible.filter(committee_id__in=committees).values_list("pk", "committee_id"):
        found.setdefault(str(committee), []).append(pk)
    for pk, organisation in visible.filter(organisation_id__in=partners).values_list("pk", "organisation_id"):
        found.setdefault(f"org-{organisation}", []).append(pk)
    context["memberships_of"] = found
    parents = {row.parent_id for row in rows if row._meta.model_name == "committee" and row.parent_id}
    context["visible_parents"] = set(sources.committees(user).filter(pk__in=parents).values_list("pk", flat=True))


def meeting_prepare(rows, context, user):
    from .files import visible_files

    ids = [row.pk for row in rows]
    context["files_of_meeting"] = visible_files(user, meetings=ids).for_meetings(ids)


def paper_prepare(rows, context, user):
    from .files import visible_files

    ids = [row.pk for row in rows]
    context["files_of_paper"] = visible_files(user, papers=ids).for_papers(ids)


def term_get(user, key: str):
    return next((term for term in sources.terms(user) if str(term.year) == key), None)


def file_rows(user):
    from .files import visible_files

    return visible_files(user)


def file_get(user, key: str):
    from .files import visible_files

    return visible_files(user).get(key)


RESOURCES = {
    r.name: r
    for r in (
        Resource("legislativeterm", "LegislativeTerm", LegislativeTermSerializer, sources.terms, term_get),
        Resource("location", "Location", LocationSerializer, sources.locations, one(sources.locations)),
        Resource(
            "organization",
            "Organization",
            OrganizationSerializer,
            organization_rows,
            organization_get,
            prepare=organization_prepare,
        ),
        Resource("person", "Person", PersonSerializer, sources.persons, one(sources.persons)),
        Resource(
            "membership",
            "Membership",
            MembershipSerializer,
            sources.memberships,
            one(sources.memberships),
            {"organization": "committee_id"},
        ),
        Resource(
            "meeting",
            "Meeting",
            MeetingSerializer,
            sources.meetings,
            one(sources.meetings),
            {"organization": "committee_id"},
            meeting_prepare,
        ),
        Resource(
            "agendaitem",
            "AgendaItem",
            AgendaItemSerializer,
            sources.agenda_items,
            one(sources.agenda_items),
            {"meeting": "meeting_id"},
        ),
        Resource(
            "paper",
            "Paper",
            PaperSerializer,
            sources.papers,
            one(sources.papers),
            {"meeting": "item__meeting_id"},
            paper_prepare,
        ),
        Resource(
            "consultation",
            "Consultation",
            ConsultationSerializer,
            sources.papers,
            one(sources.papers),
            {"meeting": "item__meeting_id"},
        ),
        Resource("file", "File", FileSerializer, file_rows, file_get),
    )
}
