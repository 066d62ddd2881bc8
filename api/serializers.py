"""The OParl 1.1 object types the partnership's records are published as (schema.oparl.org/1.1).

Mapping: Body = the partnership; LegislativeTerm = a financial year (April to March, a year's Agreement);
Organization = a committee ("<pk>") or a partner organisation ("org-<pk>", what a member sits on behalf of);
Person and Membership = who sits where; Meeting with its Location (venue and room), agenda items, invitation (the
agenda pack), resultsProtocol (the signed minutes) and other packs; AgendaItem with its resolution as minuted;
Paper (a report) with its Consultation (the item that considers it) and Files. Shapes, URLs and who sees what are
in api/sources.py, api/files.py and README "API".
"""

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
    locality = serializers.SerializerMethodField()
    meetings = Links("api:meeting-detail", keys=lambda meeting: [meeting.pk])

    def get_description(self, meeting) -> str:
        if meeting.venue_kind == meeting.Venue.ONLINE:
            return f"Online{': ' + meeting.venue if meeting.venue else ''}"
        return meeting.venue or meeting.get_venue_kind_display()

    def _room_and_place(self, meeting):
        if meeting.venue_kind == meeting.Venue.ONLINE or not meeting.venue or meeting.venue.startswith("http"):
            return None, None
        room, _, place = meeting.venue.partition(",")
        return room.strip() or None, place.strip() or None

    def get_room(self, meeting) -> str | None:
        return self._room_and_place(meeting)[0]

    def get_locality(self, meeting) -> str | None:
        return self._room_and_place(meeting)[1]


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
    web = Web(lambda row: row.get_absolute_url() if is_committee(row) else None)

    def key(self, row) -> str:
        return str(row.pk) if is_committee(row) else f"org-{row.pk}"

    def get_shortName(self, row) -> str:
        return row.short_name

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
        if is_committee(row) and row.parent_id:
            return self.context["request"].build_absolute_uri(reverse("api:organization-detail", args=[row.parent_id]))
        return None


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
