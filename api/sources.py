"""Who sees which OParl objects: each list starts from the same visible_to(user) rules as the pages.

Domestic Homicide Review items, their papers, files, packs and minutes are never in the API, for anyone.
Persons carry names only: no e-mail or telephone. Every row is annotated with oparl_created and oparl_modified
(api.dates). Shapes: each function takes the request's user and returns a queryset (or, for computed objects,
a list) in a stable order (OParl 2-05: stable sorting), by primary key.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from meetings import access

from .dates import SINCE, with_dates


def committees(user):
    from meetings.models import Committee

    rows = Committee.objects.all()
    if not access.is_staff(user):
        rows = rows.filter(Q(is_public=True) | Q(pk__in=access.member_committee_ids(user)))
    return with_dates(rows).order_by("pk")


def memberships(user):
    from meetings.models import Membership

    visible = Membership.objects.filter(committee__in=committees(user).values("pk"))
    return with_dates(visible.select_related("person", "organisation")).order_by("pk")


def partners(user):
    """The partner organisations members represent (OParl Organization "org-<pk>", a Membership's onBehalfOf)."""
    from kcsp.models import Organisation

    represented = memberships(user).values("organisation_id")
    return with_dates(Organisation.objects.filter(pk__in=represented)).order_by("pk")


def persons(user):
    from kcsp.models import Person

    visible = Person.objects.filter(pk__in=memberships(user).values("person_id")).select_related("organisation")
    own = Prefetch("memberships", queryset=memberships(user), to_attr="oparl_memberships")
    return with_dates(visible).prefetch_related(own).order_by("pk")


def agenda_items(user):
    """Items with `oparl_order`: the item's place, from 0, among the items of its meeting this user sees, in
    agenda order (OParl 1.1 AgendaItem.order: its position in Meeting.agendaItem, numbered 0, 1, 2 ...)."""
    from meetings.models import AgendaItem, Minute, Paper

    visible = AgendaItem.objects.visible_to(user).exclude(access.dhr_q())
    before = visible.filter(meeting_id=OuterRef("meeting_id")).filter(
        Q(section__lt=OuterRef("section")) | Q(section=OuterRef("section"), position__lt=OuterRef("position"))
    )
    counted = before.order_by().values("meeting_id").annotate(n=Count("pk")).values("n")[:1]
    order = Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    minutes = Prefetch("minutes", queryset=Minute.objects.visible_to(user).order_by("number"), to_attr="oparl_minutes")
    papers = Prefetch("papers", queryset=Paper.objects.only("pk", "item_id").order_by("pk"), to_attr="oparl_papers")
    rows = visible.select_related("meeting").annotate(oparl_order=order)
    return with_dates(rows).prefetch_related(minutes, papers).order_by("pk")


def meetings(user):
    from meetings.models import Meeting

    items = Prefetch("items", queryset=agenda_items(user).order_by("section", "position"), to_attr="oparl_items")
    rows = Meeting.objects.visible_to(user).select_related("committee").prefetch_related(items)
    return with_dates(rows, own="updated_at", embedded=item_history(user)).order_by("pk")


def item_history(user):
    """The change history of the agenda items a meeting embeds for this user (their additions, changes and
    removals), DHR items never: a meeting's `modified` moves with its agenda (OParl 2-08)."""
    from meetings.models import AgendaItem

    history = AgendaItem.history.model.objects.filter(meeting_id=OuterRef("pk"))
    return history.filter(access.restricted_item_q(user)).exclude(access.dhr_q())


def locations(user):
    """Each meeting's venue, as an OParl Location of its own ("location/<meeting pk>"), with its room."""
    from meetings.models import Meeting

    rows = Meeting.objects.visible_to(user).select_related("committee")
    return with_dates(rows, own="updated_at").order_by("pk")


def papers(user):
    from meetings.models import Paper

    visible = Paper.objects.visible_to(user).exclude(access.dhr_q("item__"))
    return with_dates(visible.select_related("item__meeting")).order_by("pk")


# --- legislative terms: the partnership's yearly cycle ---------------------------------------------------------


@dataclass
class Term:
    """One financial year, April to March: the period of that year's Community Safety Agreement (if any)."""

    year: int
    agreement: object = None
    oparl_created: datetime.datetime = SINCE
    oparl_modified: datetime.datetime = SINCE

    @property
    def pk(self) -> int:
        return self.year

    @property
    def name(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 4, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 31)


def financial_year(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def terms(user) -> list[Term]:
    """Every year from the first meeting or agreement the user may see to this one (and any agreement ahead)."""
    from agreement.models import Agreement
    from meetings.models import Meeting

    agreements = {a.year: a for a in with_dates(Agreement.objects.visible_to(user))}
    first = Meeting.objects.visible_to(user).order_by("starts_at").values_list("starts_at", flat=True).first()
    years = set(agreements)
    if first is not None:
        years.add(financial_year(timezone.localtime(first).date()))
    if not years:
        return []
    this_year = financial_year(timezone.localdate())
    rows = []
    for year in range(min(years), max(max(years), this_year) + 1):
        agreement = agreements.get(year)
        dates = (agreement.oparl_created, agreement.oparl_modified) if agreement else (SINCE, SINCE)
        rows.append(Term(year, agreement, *dates))
    return rows
