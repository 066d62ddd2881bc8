"""The OParl 1.1 object types the partnership's records are published as (schema.oparl.org/1.1).

Mapping: Body = the partnership; LegislativeTerm = a financial year (April to March, a year's Agreement);
Organization = a committee ("<pk>") or a partner organisation ("org-<pk>", what a member sits on behalf of);
Person and Membership = who sits where; Meeting with its Location (venue and room), agenda items, invitation (the
agenda pack), resultsProtocol (the signed minutes) and other packs; AgendaItem with its resolution as minuted;
Paper (a report) with its Consultation (the item that considers it) and Files. Shapes, URLs and who sees what are
in api/sources.py, api/files.py and README "API".
"""

import re

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .fields import URI, Link, Links, OParlSerializer, Web, vendor_fields
from .resolutions import resolution_text

BODY_ID = "kcsp"


def body_link(**kwargs):
    return Link("api:body-detail", key=lambda _: BODY_ID, **kwargs)


class LegislativeTermSerializer(OParlSerializer):
    oparl_type, view = "LegislativeTerm", "api:legislativeterm-detail"
    back_references = ("body",)
    body = body_link()
    name = serializers.CharField()
    startDate = serializers.DateField(source="start")
    endDate = serializers.DateField(source="end")
    keyword = serializers.SerializerMethodField()
    web = Web(lambda term: term.agreement.get_absolute_url() if term.agreement else None)

    def get_keyword(self, term) -> list[str]:
        return [f"Community Safety Agreement {term.name}"] if term.agreement else []


class LocationSerializer(OParlSerializer):
    """A meeting's venue ("Council Chamber, Sessions House, Maidstone"): the room is the part before the first
    comma, the rest the place; an online meeting is described as such, with no room."""

    oparl_type, view = "Location", "api:location-detail"
    back_references = ("meetings",)
    description = serializers.SerializerMethodField()
    room = serializers.SerializerMethodField()
    streetAddress = serializers.SerializerMethodField()
    postalCode = serializers.SerializerMethodField()
    locality = serializers.SerializerMethodField()
    meetings = Links("api:meeting-detail", keys=lambda meeting: [meeting.pk])

    def get_description(self, meeting) -> str:
        if meeting.venue_kind == meeting.Venue.ONLINE:
            return f"Online{': ' + meeting.venue if meeting.venue else ''}"
        return meeting.venue or meeting.get_venue_kind_display()

    def _parts(self, meeting) -> dict:
        if meeting.venue_kind == meeting.Venue.ONLINE or not meeting.venue or "://" in meeting.venue:
            return {}
        return venue_parts(meeting.venue)

    def get_room(self, meeting) -> str | None:
        return self._parts(meeting).get("room")

    def get_streetAddress(self, meeting) -> str | None:
        return self._parts(meeting).get("street")

    def get_postalCode(self, meeting) -> str | None:
        return self._parts(meeting).get("postcode")

    def get_locality(self, meeting) -> str | None:
        return self._parts(meeting).get("town")


POSTCODE = re.compile(r"\s*,?\s*\b([A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2})$", re.IGNORECASE)


def venue_parts(venue: str) -> dict:
    """A venue as the clerks write it, "Council Chamber, Sessions House, County Road, Maidstone ME14 1XQ": the
    room (first part), the street address (the parts between), the town (last part) and a UK postcode at the end."""
    postcode = POSTCODE.search(venue)
    rest = venue[: postcode.start()] if postcode else venue
    parts = [part.strip() for part in rest.split(",") if part.strip()]
    found = {"postcode": postcode.group(1).upper() if postcode else None}
    if parts:
        found["room"] = parts[0]
    if len(parts) > 1:
        found["town"] = parts[-1]
    if len(parts) > 2:
        found["street"] = ", ".join(parts[1:-1])
    return found


class OrganizationSerializer(OParlSerializer):
    """A committee (organizationType "committee", classified as the partnership or a subgroup) or a partner
    organisation (organizationType "institution", classified by its kind)."""

    oparl_type, view = "Organization", "api:organization-detail"
    body = body_link()
    name = serializers.CharField()
    shortName = serializers.SerializerMethodField()
    organizationType = serializers.SerializerMethodField()
    classification = serializers.SerializerMethodField()
    membership = serializers.SerializerMethodField()
    meeting = serializers.SerializerMethodField()
    subOrganizationOf = serializers.SerializerMethodField()
    web = serializers.SerializerMethodField()

    def key(self, row) -> str:
        return str(row.pk) if is_committee(row) else f"org-{row.pk}"

    def get_shortName(self, row) -> str:
        return row.short_name

    @extend_schema_field(URI)
    def get_web(self, row) -> str | None:
        """A committee's page is for signed-in users: the public get no link to a sign-in form."""
        request = self.context["request"]
        if not is_committee(row) or not request.user.is_authenticated:
            return None
        return request.build_absolute_uri(row.get_absolute_url())

    def get_organizationType(self, row) -> str:
        return "committee" if is_committee(row) else "institution"

    def get_classification(self, row) -> str:
        if is_committee(row):
            return "subgroup" if row.parent_id else "partnership"
        return row.get_kind_display()

    @extend_schema_field({"type": "array", "items": URI})
    def get_membership(self, row) -> list[str]:
        ids = self.context.get("memberships_of", {}).get(self.key(row), [])
        return [self.context["request"].build_absolute_uri(reverse("api:membership-detail", args=[pk])) for pk in ids]

    @extend_schema_field(URI)
    def get_meeting(self, row) -> str | None:
        if not is_committee(row):
            return None
        return self.context["request"].build_absolute_uri(reverse("api:meeting-list")) + f"?organization={row.pk}"

    @extend_schema_field(URI)
    def get_subOrganizationOf(self, row) -> str | None:
        """The body it is a subgroup of, when the reader may see that body (never a link that answers 404)."""
        if is_committee(row) and row.parent_id in self.context.get("visible_parents", ()):
            return self.context["request"].build_absolute_uri(reverse("api:organization-detail", args=[row.parent_id]))
        return None


def first_paper(item):
    """The item's first paper (its Consultation shares the paper's id), or None for an item with no paper."""
    papers = getattr(item, "oparl_papers", [])
    return papers[0].pk if papers else None


def is_committee(row) -> bool:
    return row._meta.model_name == "committee"


class MembershipSerializer(OParlSerializer):
    oparl_type, view = "Membership", "api:membership-detail"
    back_references = ("person",)
    person = Link("api:person-detail", key=lambda m: m.person_id)
    organization = Link("api:organization-detail", key=lambda m: m.committee_id)
    role = serializers.CharField(source="get_kind_display")
    votingRight = serializers.SerializerMethodField()
    startDate = serializers.DateField(source="starts_on")
    endDate = serializers.DateField(source="ends_on", allow_null=True)
    onBehalfOf = Link("api:organization-detail", key=lambda m: f"org-{m.organisation_id}")

    def get_votingRight(self, membership) -> bool:
        return membership.kind == membership.Kind.MEMBER


class PersonSerializer(OParlSerializer):
    """Names as the papers print them; never an e-mail address or telephone number."""

    oparl_type, view = "Person", "api:person-detail"
    body = body_link()
    name = serializers.CharField(source="display_name")
    familyName = serializers.CharField(source="surname")
    givenName = serializers.CharField(source="forenames")
    formOfAddress = serializers.CharField(source="title")
    affix = serializers.CharField(source="post_nominals")
    membership = MembershipSerializer(source="oparl_memberships", many=True, embedded=True)


class ConsultationSerializer(OParlSerializer):
    """A paper considered at an agenda item (one per paper: its id is the paper's)."""

    oparl_type, view = "Consultation", "api:consultation-detail"
    back_references = ("paper",)
    paper = Link("api:paper-detail", key=lambda p: p.pk)
    agendaItem = Link("api:agendaitem-detail", key=lambda p: p.item_id)
    meeting = Link("api:meeting-detail", key=lambda p: p.item.meeting_id)
    organization = Links("api:organization-detail", keys=lambda p: [p.item.meeting.committee_id])
    authoritative = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()

    def get_authoritative(self, paper) -> bool:
        return paper.classification == "decision"

    def get_role(self, paper) -> str:
        return paper.get_classification_display() or "Report"

    def restricted(self, paper) -> bool:
        return paper.item.is_restricted


@vendor_fields("purpose")
class AgendaItemSerializer(OParlSerializer):
    """An item of business: number as printed (B2), order across the agenda, public or not, purpose and the
    resolution its minute records once the minutes are readable to this user."""

    oparl_type, view, oparl_required = "AgendaItem", "api:agendaitem-detail", ("order",)
    back_references = ("meeting",)
    meeting = Link("api:meeting-detail", key=lambda item: item.meeting_id)
    number = serializers.CharField(source="code")
    order = serializers.SerializerMethodField()
    name = serializers.CharField(source="title")
    public = serializers.SerializerMethodField()
    consultation = Link("api:consultation-detail", key=lambda item: first_paper(item))
    result = serializers.SerializerMethodField()
    resolutionText = serializers.SerializerMethodField()
    purpose = serializers.SerializerMethodField()
    web = Web(lambda item: item.get_absolute_url())

    def get_order(self, item) -> int:
        return item.oparl_order

    def get_public(self, item) -> bool:
        return not item.is_restricted

    def get_result(self, item) -> str | None:
        minutes = getattr(item, "oparl_minutes", [])
        if not minutes:
            return None
        return "Resolved" if resolution_text(minutes) else "Minuted"

    def get_purpose(self, item) -> str | None:
        return item.get_purpose_display() if item.purpose else None

    def get_resolutionText(self, item) -> str | None:
        return resolution_text(getattr(item, "oparl_minutes", []))

    def restricted(self, item) -> bool:
        return item.is_restricted
