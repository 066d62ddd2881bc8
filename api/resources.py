"""The API's objects, modelled on OParl 1.1: what each is, who may see which rows, and how it is written out.

Every list starts from the same visible_to(user) rules as the pages. Domestic Homicide Review items
and their papers are never in the API, for anyone. Persons carry names only: no e-mail or telephone.

Protective marking (issue 20): a restricted agenda item, its papers and their files carry "protectiveMarking",
the marking with its handling line (kcsp.marking.marking_line, as a CSV's marking row); a list page holding one
carries it at the top too (api.views). Public objects carry none.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kcsp.marking import marking_line
from meetings import access

OPARL = "https://schema.oparl.org/1.1/"
BODY_ID = "kcsp"


def iso(value):
    """ISO 8601; date-times in the partnership's time zone with their offset."""
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


class Writer:
    """Absolute URLs for one request, so ids are stable addresses."""

    def __init__(self, request):
        self.request = request
        self.marked = False  # a restricted object was written: the page carries the marking too

    def marking(self, data: dict, restricted: bool) -> dict:
        """`data` with "protectiveMarking" (the marking and handling line) when `restricted`."""
        if restricted:
            self.marked = True
            return {**data, "protectiveMarking": marking_line()}
        return data

    def url(self, name, *args):
        return self.request.build_absolute_uri(reverse(name, args=args))

    def api(self, resource, pk):
        return self.url(f"api:{resource}-detail", pk)

    def web(self, path):
        return self.request.build_absolute_uri(path)


# --- who sees what --------------------------------------------------------------------------------------


def committees(user):
    from meetings.models import Committee

    if access.is_staff(user):
        return Committee.objects.all()
    return Committee.objects.filter(Q(is_public=True) | Q(pk__in=access.member_committee_ids(user)))


def memberships(user):
    from meetings.models import Membership

    return Membership.objects.filter(committee__in=committees(user)).select_related("person", "organisation")


def persons(user):
    from kcsp.models import Person

    return Person.objects.filter(pk__in=memberships(user).values("person_id")).select_related("organisation")


def meetings(user):
    from meetings.models import Meeting

    return Meeting.objects.visible_to(user).select_related("committee")


def agenda_items(user):
    from meetings.models import AgendaItem

    visible = AgendaItem.objects.visible_to(user).exclude(access.dhr_q())
    return visible.select_related("meeting")


def papers(user):
    from meetings.models import Paper

    visible = Paper.objects.visible_to(user).exclude(access.dhr_q("item__"))
    return visible.select_related("item__meeting").prefetch_related("appendices")


# --- how each object is written -------------------------------------------------------------------------


def body_json(w: Writer, _obj=None) -> dict:
    return {
        "id": w.api("body", BODY_ID),
        "type": OPARL + "Body",
        "name": "Kent Community Safety Partnership",
        "shortName": "KCSP",
        "website": w.web("/"),
        "organization": w.url("api:organization-list"),
        "person": w.url("api:person-list"),
        "meeting": w.url("api:meeting-list"),
        "paper": w.url("api:paper-list"),
        "agendaItem": w.url("api:agendaitem-list"),
        "membership": w.url("api:membership-list"),
        "file": w.url("api:file-list"),
        "consultation": w.url("api:consultation-list"),
    }


def organization_json(w: Writer, committee) -> dict:
    return {
        "id": w.api("organization", committee.pk),
        "type": OPARL + "Organization",
        "body": w.api("body", BODY_ID),
        "name": committee.name,
        "shortName": committee.label,
        "organizationType": "committee",
        "classification": committee.get_frequency_display(),
        "subOrganizationOf": w.api("organization", committee.parent_id) if committee.parent_id else None,
        "meeting": w.url("api:meeting-list") + f"?organization={committee.pk}",
        "web": w.web(committee.get_absolute_url()),
    }


def person_json(w: Writer, person) -> dict:
    return {
        "id": w.api("person", person.pk),
        "type": OPARL + "Person",
        "body": w.api("body", BODY_ID),
        "name": person.display_name,
        "familyName": person.surname,
        "formOfAddress": person.title,
        "affix": person.organisation.name if person.organisation_id else None,
    }


def membership_json(w: Writer, membership) -> dict:
    return {
        "id": w.api("membership", membership.pk),
        "type": OPARL + "Membership",
        "person": w.api("person", membership.person_id),
        "organization": w.api("organization", membership.committee_id),
        "role": membership.get_kind_display(),
        "onBehalfOf": membership.organisation.name,
        "startDate": iso(membership.starts_on),
        "endDate": iso(membership.ends_on),
    }


def meeting_json(w: Writer, meeting) -> dict:
    return {
        "id": w.api("meeting", meeting.pk),
        "type": OPARL + "Meeting",
        "name": str(meeting),
        "meetingState": meeting.get_status_display(),
        "cancelled": meeting.is_called_off,  # OParl: not taking place on its date (cancelled, or postponed)
        "start": iso(meeting.starts_at),
        "end": iso(meeting.ends),
        "location": {"description": meeting.venue or meeting.get_venue_kind_display()},
        "organization": [w.api("organization", meeting.committee_id)],
        "agendaItem": w.url("api:agendaitem-list") + f"?meeting={meeting.pk}",
        "web": w.web(meeting.get_absolute_url()),
        "modified": iso(meeting.updated_at),  # any change: a move or a call-off too, so clients syncing see it
    }


def agendaitem_json(w: Writer, item) -> dict:
    data = {
        "id": w.api("agendaitem", item.pk),
        "type": OPARL + "AgendaItem",
        "meeting": w.api("meeting", item.meeting_id),
        "number": item.code,
        "order": ord(item.section) * 1000 + item.position,
        "name": item.title,
        "public": not item.is_restricted,
        "result": item.get_purpose_display() if item.purpose else None,
        "web": w.web(item.get_absolute_url()),
    }
    return w.marking(data, item.is_restricted)


def paper_json(w: Writer, paper) -> dict:
    data = {
        "id": w.api("paper", paper.pk),
        "type": OPARL + "Paper",
        "body": w.api("body", BODY_ID),
        "name": paper.subject,
        "reference": f"{paper.item.code}/{paper.item.meeting.date.isoformat()}",
        "date": iso(paper.created_at.date()),
        "paperType": paper.get_classification_display() or "Report",
        "mainFile": w.api("file", f"paper-{paper.pk}") if paper.file else None,
        "auxiliaryFile": [w.api("file", f"appendix-{a.pk}") for a in paper.appendices.all()],
        "consultation": [w.api("consultation", paper.pk)],
        "web": w.web(paper.get_absolute_url()),
    }
    return w.marking(data, paper.item.is_restricted)


def consultation_json(w: Writer, paper) -> dict:
    return {
        "id": w.api("consultation", paper.pk),
        "type": OPARL + "Consultation",
        "paper": w.api("paper", paper.pk),
        "agendaItem": w.api("agendaitem", paper.item_id),
        "meeting": w.api("meeting", paper.item.meeting_id),
        "role": paper.get_classification_display() or None,
    }


def file_json(w: Writer, pair) -> dict:
    kind, obj = pair
    if kind == "paper":
        name, access_path, paper = obj.original_name, reverse("meetings:paper_file", args=[obj.pk]), obj
    else:
        name = obj.original_name
        access_path, paper = reverse("meetings:appendix_file", args=[obj.pk]), obj.paper
    from meetings.uploads import CONTENT_TYPES

    data = {
        "id": w.api("file", f"{kind}-{obj.pk}"),
        "type": OPARL + "File",
        "name": obj.title if kind == "appendix" else paper.subject,
        "fileName": name,
        "mimeType": CONTENT_TYPES.get(obj.file_kind, "application/octet-stream"),
        "accessUrl": w.web(access_path),
        "paper": [w.api("paper", paper.pk)],
    }
    return w.marking(data, paper.item.is_restricted)


class FileRows:
    """Uploaded papers and appendices of visible papers, as one list with ids 'paper-N' and 'appendix-N'."""

    def __init__(self, user):
        from meetings.models import Appendix

        visible = papers(user)
        self.papers = visible.exclude(file="").order_by("pk")
        self.appendices = Appendix.objects.filter(paper__in=visible).select_related("paper__item").order_by("pk")

    def count(self):
        return self.papers.count() + self.appendices.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        rows = [("paper", p) for p in self.papers] + [("appendix", a) for a in self.appendices]
        return rows[index]

    def get(self, key: str):
        kind, _, pk = key.partition("-")
        if not re.fullmatch(r"[0-9]+", pk):
            return None
        source = {"paper": self.papers, "appendix": self.appendices}.get(kind)
        row = source.filter(pk=int(pk)).first() if source is not None else None
        return (kind, row) if row else None


@dataclass(frozen=True)
class Resource:
    name: str  # URL name and path part
    schema: str  # component name in the OpenAPI schema
    rows: Callable  # user -> queryset (or FileRows)
    write: Callable  # (Writer, obj) -> dict
    filters: dict  # query parameter -> lookup


RESOURCES = {
    r.name: r
    for r in (
        Resource("organization", "Organization", committees, organization_json, {}),
        Resource("person", "Person", persons, person_json, {}),
        Resource("membership", "Membership", memberships, membership_json, {"organization": "committee_id"}),
        Resource("meeting", "Meeting", meetings, meeting_json, {"organization": "committee_id"}),
        Resource("agendaitem", "AgendaItem", agenda_items, agendaitem_json, {"meeting": "meeting_id"}),
        Resource("paper", "Paper", papers, paper_json, {"meeting": "item__meeting_id"}),
        Resource("consultation", "Consultation", papers, consultation_json, {"meeting": "item__meeting_id"}),
        Resource("file", "File", FileRows, file_json, {}),
    )
}
