"""OParl Files, Papers, Meetings, the Body and the System (the objects that embed others).

A File is a stored document the reader may open: an uploaded paper or appendix, a signed minutes part or a built
pack (api/files.py FileEntry). `accessUrl` opens it in place and `downloadUrl` saves it (OParl 2-07), both through
the site's one guarded download path (kcsp.downloads.file_send: watermark, marking, download record). Size and
SHA-1 describe the stored original of public files only: a restricted file is watermarked for each reader.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .dates import SINCE
from .fields import URI, Link, Links, LocalDateTime, OParlSerializer, Web, absolute, vendor_fields
from .serializers import (
    BODY_ID,
    AgendaItemSerializer,
    ConsultationSerializer,
    LegislativeTermSerializer,
    LocationSerializer,
    body_link,
)


class FileSerializer(OParlSerializer):
    oparl_type, view, oparl_required = "File", "api:file-detail", ("accessUrl",)
    back_references = ("meeting", "agendaItem", "paper")
    created = LocalDateTime(read_only=True)
    modified = LocalDateTime(read_only=True)
    name = serializers.CharField()
    fileName = serializers.CharField(source="file_name")
    mimeType = serializers.CharField(source="mime_type")
    date = serializers.DateField()
    size = serializers.IntegerField(allow_null=True)
    sha1Checksum = serializers.CharField(source="sha1", allow_null=True)
    sha512Checksum = serializers.CharField(source="sha512", allow_null=True)
    accessUrl = Link("api:file-access", key=lambda entry: entry.key)
    downloadUrl = Link("api:file-download", key=lambda entry: entry.key)
    meeting = Links("api:meeting-detail", keys=lambda entry: [entry.meeting_id] if entry.meeting_id else [])
    agendaItem = Links("api:agendaitem-detail", keys=lambda entry: [entry.item_id] if entry.item_id else [])
    paper = Links("api:paper-detail", keys=lambda entry: [entry.paper_id] if entry.paper_id else [])

    def key(self, entry) -> str:
        return entry.key

    def restricted(self, entry) -> bool:
        return entry.restricted


def _file(context, entry) -> dict | None:
    return FileSerializer(entry, context=context, embedded=True).data if entry is not None else None


def _files(context, entries) -> list[dict]:
    return [FileSerializer(entry, context=context, embedded=True).data for entry in entries]


class PaperSerializer(OParlSerializer):
    """A report: its main file (an uploaded paper; a paper written in the app is read on its page, `web`), its
    appendices and where it is considered."""

    oparl_type, view = "Paper", "api:paper-detail"
    body = body_link()
    name = serializers.CharField(source="subject")
    reference = serializers.SerializerMethodField()
    date = serializers.SerializerMethodField()
    paperType = serializers.SerializerMethodField()
    mainFile = serializers.SerializerMethodField()
    auxiliaryFile = serializers.SerializerMethodField()
    consultation = serializers.SerializerMethodField()
    web = Web(lambda paper: paper.get_absolute_url())

    def get_reference(self, paper) -> str:
        return f"{paper.item.code}/{paper.item.meeting.date.isoformat()}"

    def get_date(self, paper) -> str:
        return paper.created_at.date().isoformat()

    def get_paperType(self, paper) -> str:
        return paper.get_classification_display() or "Report"

    def _entries(self, paper):
        return self.context.get("files_of_paper", {}).get(paper.pk, [])

    @extend_schema_field(FileSerializer)
    def get_mainFile(self, paper):
        return _file(self.context, next((e for e in self._entries(paper) if e.role == "mainFile"), None))

    @extend_schema_field(FileSerializer(many=True))
    def get_auxiliaryFile(self, paper):
        return _files(self.context, [e for e in self._entries(paper) if e.role != "mainFile"])

    @extend_schema_field(ConsultationSerializer(many=True))
    def get_consultation(self, paper):
        return [ConsultationSerializer(paper, context=self.context, embedded=True).data]

    def restricted(self, paper) -> bool:
        return paper.item.is_restricted


@vendor_fields("calendar")
class MeetingSerializer(OParlSerializer):
    """A meeting: when and where, whether it is off, its agenda (items embedded), its invitation (the agenda
    pack), its results protocol (the signed public minutes) and its other packs and minutes parts."""

    oparl_type, view = "Meeting", "api:meeting-detail"
    name = serializers.CharField(source="__str__")
    meetingState = serializers.CharField(source="get_status_display")
    cancelled = serializers.BooleanField(source="is_called_off")
    start = LocalDateTime(source="starts_at")
    end = LocalDateTime(source="ends")
    location = LocationSerializer(source="*", embedded=True)
    organization = Links("api:organization-detail", keys=lambda meeting: [meeting.committee_id])
    invitation = serializers.SerializerMethodField()
    resultsProtocol = serializers.SerializerMethodField()
    auxiliaryFile = serializers.SerializerMethodField()
    agendaItem = AgendaItemSerializer(source="oparl_items", many=True, embedded=True)
    web = Web(lambda meeting: meeting.get_absolute_url())
    calendar = serializers.SerializerMethodField()

    def _entries(self, meeting):
        return self.context.get("files_of_meeting", {}).get(meeting.pk, [])

    def _one(self, meeting, role):
        return _file(self.context, next((e for e in self._entries(meeting) if e.role == role), None))

    @extend_schema_field(FileSerializer)
    def get_invitation(self, meeting):
        return self._one(meeting, "invitation")

    @extend_schema_field(FileSerializer)
    def get_resultsProtocol(self, meeting):
        return self._one(meeting, "resultsProtocol")

    @extend_schema_field(FileSerializer(many=True))
    def get_auxiliaryFile(self, meeting):
        roles = ("invitation", "resultsProtocol")
        return _files(self.context, [e for e in self._entries(meeting) if e.role not in roles])

    @extend_schema_field(URI)
    def get_calendar(self, meeting) -> str:
        """The meeting as an iCalendar event (RFC 5545)."""
        return absolute(self.context, "meetings:meeting_ical", meeting.pk)


class Static:
    """The Body and System have no row: their dates are fixed."""

    pk = BODY_ID
    oparl_created = SINCE
    oparl_modified = SINCE


def list_link(name: str):
    return Link(f"api:{name}-list")


@vendor_fields("calendar")
class BodySerializer(OParlSerializer):
    oparl_type, view = "Body", "api:body-detail"
    oparl_required = ("name", "organization", "person", "meeting", "paper", "legislativeTerm")
    system = Link("api:system")
    name = serializers.SerializerMethodField()
    shortName = serializers.SerializerMethodField()
    website = Web(lambda _: "/")
    classification = serializers.SerializerMethodField()
    legislativeTerm = serializers.SerializerMethodField()
    organization = list_link("organization")
    person = list_link("person")
    meeting = list_link("meeting")
    paper = list_link("paper")
    agendaItem = list_link("agendaitem")
    consultation = list_link("consultation")
    file = list_link("file")
    membership = list_link("membership")
    locationList = list_link("location")
    legislativeTermList = list_link("legislativeterm")
    web = Web(lambda _: "/")
    calendar = serializers.SerializerMethodField()

    def get_name(self, _) -> str:
        return "Kent Community Safety Partnership"

    def get_shortName(self, _) -> str:
        return "KCSP"

    def get_classification(self, _) -> str:
        return "Community Safety Partnership"

    @extend_schema_field(LegislativeTermSerializer(many=True))
    def get_legislativeTerm(self, _):
        terms = self.context.get("terms", [])
        return [LegislativeTermSerializer(term, context=self.context, embedded=True).data for term in terms]

    @extend_schema_field(URI)
    def get_calendar(self, _) -> str:
        """The public meetings as an iCalendar feed (RFC 5545)."""
        return self.context["request"].build_absolute_uri(reverse("meetings:ical"))


class SystemSerializer(OParlSerializer):
    oparl_type, view, oparl_required = "System", "api:system", ("oparlVersion", "body")
    oparlVersion = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    body = list_link("body")
    website = Web(lambda _: "/")
    product = serializers.SerializerMethodField()

    def get_id(self, obj) -> str:
        return absolute(self.context, "api:system")

    def get_oparlVersion(self, _) -> str:
        return "https://schema.oparl.org/1.1/"

    def get_name(self, _) -> str:
        return "Kent Community Safety Partnership governance system"

    @extend_schema_field(URI)
    def get_product(self, _) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:docs"))
