"""What everyone may read: the calendar, agendas, papers, approved minutes and the iCal feed."""

import copy
import re

from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import DetailView, ListView

from dhr.gate import dhr_gate
from kcsp import roles
from kcsp.downloads import Outgoing, Sensitivity, file_send
from kcsp.fragment_pages import BodyFragmentMixin
from kcsp.fragments import cached_for_viewer

from .. import access, selectors
from ..agenda_print import EXCLUSION_STATEMENT
from ..amendments import amendments_attach
from ..chair_agreement import agreement_request, chair_comments
from ..changes import status_changes_for
from ..errata import erratum_signatory
from ..ical import ical_response, meeting_ical_response
from ..lifecycle import CALLING_OFF, steps_for
from ..models import Action, AgendaItem, Appendix, Erratum, Meeting, MinuteAmendment, Paper, SignedMinutes
from ..packbuild.tags import UNTAGGED_WARNING
from ..quorum import meeting_quorum
from ..record import minutes_records
from ..signing import notes_item_to_minute

UNSENT = (Meeting.Status.DRAFT, Meeting.Status.WITH_CHAIR)  # an agenda not yet agreed: no attendance, no quorum
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,2}")  # the calendar pages cached (as kcsp/pagecache.py)
RECORD_DETAILS = ("kind", "pdf", "first_sha256", "content_sha256", "sha256", "rendered_at", "rendition_reason")


class CalendarView(ListView):
    """The meetings this viewer may see, coming up and past (20 a page).

    The body is one fragment shared by viewers with the same rights (kcsp/fragments.py "calendar"), varying on
    the page number; requests with any other query (`page=last`, junk) are built and not stored, so made-up
    query strings cannot fill the cache. It is fresh until the first meeting coming up starts (then that meeting
    moves to the past meetings and every page shifts), and any committed change moves the generation on. A
    warm page reads nothing from the database; a page number past the end answers 404 and is not stored."""

    template_name = "meetings/calendar.html"
    body_template = "meetings/includes/calendar_body.html"
    paginate_by = 20
    context_object_name = "past_meetings"
    ROW_FIELDS = ("pk", "starts_at", "status", "committee__name")  # what meeting_row.html shows

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).past().select_related("committee").only(*self.ROW_FIELDS)

    def get_context_data(self, **kwargs):
        upcoming = Meeting.objects.visible_to(self.request.user).upcoming().select_related("committee")
        return super().get_context_data(upcoming_meetings=upcoming.only(*self.ROW_FIELDS), **kwargs)

    def get(self, request, *args, **kwargs):
        number = request.GET.get("page", "1")
        if set(request.GET) <= {"page"} and len(request.GET.getlist("page")) <= 1 and PAGE_NUMBER.fullmatch(number):
            body = cached_for_viewer("calendar", request.user, [number], self.body, shared=True, fresh=body_fresh)
        else:
            body = self.body()
        return TemplateResponse(request, self.template_name, {"calendar_body": mark_safe(body["html"])})  # noqa: S308

    def body(self) -> dict:
        """{"html": the rendered body (str), "until": when the first meeting coming up starts (None: none)}."""
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        upcoming = list(context["upcoming_meetings"])
        context["upcoming_meetings"] = upcoming
        html = render_to_string(self.body_template, context, request=self.request)
        return {"html": str(html), "until": upcoming[0].starts_at if upcoming else None}


def body_fresh(body: dict) -> bool:
    """A cached calendar body is fresh until its first meeting coming up starts."""
    return body["until"] is None or timezone.now() < body["until"]


class MeetingDetailView(BodyFragmentMixin, DetailView):
    """A meeting's page. For an anonymous visitor its body is the "meeting-page" fragment (kcsp/fragment_pages.py:
    a warm page reads nothing from the database); for others the header, packs and agenda are fragments where the
    viewer's rights allow (`head_cached`, `agenda_cached`)."""

    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"
    body_fragment = "meeting-page"
    body_template = "meetings/includes/meeting_page.html"

    def body_cacheable(self, request) -> bool:
        """Anonymous visitors only: whatever a signed-in viewer sees may hold their own buttons (apologies)."""
        return not request.user.is_authenticated

    def page_title(self, meeting) -> dict:
        return {"committee": str(meeting.committee), "starts_at": meeting.starts_at}

    def get_queryset(self):
        """The meeting with what its header shows; for a viewer whose header is a fragment (`head_cached`) only
        its committee: the header's own relations are read when the fragment is built, not on every view."""
        visible = Meeting.objects.visible_to(self.request.user)
        if head_cached(self.request.user):
            return visible.select_related("committee")
        return visible.select_related("committee", "agenda_agreed_by__person", "minutes_signed_by", "replaces")

    def get_context_data(self, **kwargs):
        """The header's facts (last call-off, related meetings), the packs, the agenda and the open actions are
        built only when the template renders them (callables): for a viewer who neither manages meetings (forms,
        CSRF tokens) nor may see DHR items (each view of one must load it, so the DHR gate logs it: dhr/gate.py)
        the packs, agenda and actions come from the "meeting-body" fragment cached per viewer's rights, the
        meeting and the date (kcsp/fragments.py); for such a viewer who is not staff either (staff see the chair's
        comments and the deadline) the header comes from the "meeting-head" fragment too. (An anonymous visitor's
        whole body is one fragment, built here with none nested: `building_body`.)"""
        meeting, user = self.object, self.request.user
        can_manage = user.has_perm("meetings.manage")
        staff = access.is_staff(user)
        return super().get_context_data(
            steps=[
                (step, reverse(f"meetings:{step.url_name}", args=[meeting.pk])) for step in steps_for(meeting, user)
            ],
            changes=status_changes_for(meeting) if staff else None,
            last_change=lambda: (
                meeting.status_changes.filter(action__in=CALLING_OFF).order_by("-at", "-pk").first()
                if meeting.is_called_off
                else None
            ),
            links=lambda: cached_for_viewer(
                "meeting-links", user, [meeting.pk], lambda: related_meetings(meeting, user), shared=True
            ),
            sections=lambda: selectors.agenda_sections(meeting, user),
            today=timezone.localdate(),
            exclusion_statement=EXCLUSION_STATEMENT,
            can_set_public_title=roles.may_see_dhr(user),
            can_manage=can_manage,
            agenda_cached=agenda_cached(user) and not self.building_body,
            head_cached=head_cached(user) and not self.building_body,
            deadline_state=meeting.publication_deadline_state() if can_manage else None,
            open_actions=lambda: selectors.open_actions_for(meeting, user),
            packs=lambda: selectors.packs_for(meeting, user),
            attendance=selectors.attendance_for(meeting) if staff else [],
            quorum=meeting_quorum(meeting) if staff and meeting.status not in UNSENT else None,
            chair_comments=chair_comments(meeting) if staff else None,
            agreement_request=agreement_request(meeting) if staff else None,
            may_send_apologies=not meeting.is_called_off
            and meeting.starts_at > timezone.now()
            and selectors.may_send_apologies(meeting, user),
            **kwargs,
        )


def agenda_cached(user) -> bool:
    """The meeting page's packs and agenda come from a fragment for a viewer who neither manages meetings (forms,
    CSRF tokens) nor may see DHR items (each view of one must load it, so the DHR gate logs it)."""
    return not user.has_perm("meetings.manage") and not roles.may_see_dhr(user)


def head_cached(user) -> bool:
    """Its header too when the viewer is not staff either (staff see the chair's comments and the deadline)."""
    return agenda_cached(user) and not access.is_staff(user)


def related_meetings(meeting: Meeting, user) -> dict:
    """{"replaced_by": the visible meeting replacing `meeting` or None, "replaces": the visible one it replaces or
    None}: one query when it replaces none, two when it does."""
    visible = Meeting.objects.visible_to(user)
    links = {"replaced_by": visible.filter(replaces=meeting).first(), "replaces": None}
    if meeting.replaces_id and visible.filter(pk=meeting.replaces_id).exists():
        links["replaces"] = meeting.replaces
    return links


class ItemDetailView(DetailView):
    template_name = "meetings/item_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return AgendaItem.objects.visible_to(self.request.user).select_related("meeting__committee")

    def get_context_data(self, **kwargs):
        if self.object.is_dhr:
            dhr_gate(self.request, what=f"Agenda item {self.object}")
        papers = Paper.objects.filter(item=self.object).prefetch_related("appendices", "sections")
        return super().get_context_data(
            papers=papers,
            can_manage=self.request.user.has_perm("meetings.manage"),
            dhr_cases=self._dhr_cases(),
            **kwargs,
        )

    def _dhr_cases(self):
        """The DHR cases a DHR item reports on; the item is only visible to verified cleared users anyway."""
        if not (self.object.is_dhr and self.request.user.has_perm("dhr.view_cases")):
            return None
        link = getattr(self.object, "dhr_link", None)
        return list(link.cases.all()) if link else []


class PaperDetailView(DetailView):
    template_name = "meetings/paper_detail.html"
    context_object_name = "paper"

    def get_queryset(self):
        return (
            Paper.objects.visible_to(self.request.user)
            .select_related("item__meeting__committee")
            .prefetch_related("sections", "appendices")
        )

    def get_context_data(self, **kwargs):
        # Officers see UNTAGGED_WARNING against an uploaded PDF (paper or appendix) while it has no tags (issue 19).
        return super().get_context_data(
            can_manage=self.request.user.has_perm("meetings.manage"), untagged_warning=UNTAGGED_WARNING, **kwargs
        )


def uploaded_outgoing(upload, item: AgendaItem, what: str) -> Outgoing:
    """A paper's or appendix's file: marked, watermarked and recorded when its item is restricted."""
    return Outgoing(
        upload.original_name,
        upload.file_kind,
        field_file=upload.file,
        sensitivity=Sensitivity.RESTRICTED if item.is_restricted else Sensitivity.PUBLIC,
        what=f"{what}, {item.meeting}",
        subject=upload,
        dhr=item.is_dhr,
    )


class PaperFileView(View):
    """Uploaded papers are only ever sent through here, after the same visibility rule as the page."""

    def get(self, request, pk):
        papers = Paper.objects.visible_to(request.user).select_related("item__meeting__committee")
        return file_send(
            request,
            papers.filter(format=Paper.Format.UPLOADED),
            lambda paper: uploaded_outgoing(paper, paper.item, f"Paper {paper.item.code} {paper.subject}"),
            pk=pk,
        )


class AppendixFileView(View):
    def get(self, request, pk):
        visible_papers = Paper.objects.visible_to(request.user)
        appendices = Appendix.objects.filter(paper__in=visible_papers).select_related("paper__item__meeting__committee")
        return file_send(
            request,
            appendices,
            lambda appendix: uploaded_outgoing(
                appendix, appendix.paper.item, f"{appendix} to {appendix.paper.item.code} {appendix.paper.subject}"
            ),
            pk=pk,
        )


class MinutesView(DetailView):
    """The minutes of a meeting: the signed record once signed (meetings/record.py), else the live draft; only the
    parts (public, restricted, DHR) this user may read."""

    template_name = "meetings/minutes.html"

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).select_related(
            "committee", "minutes_signed_by", "minutes_approved_at_meeting"
        )

    def get_context_data(self, **kwargs):
        meeting, user = self.object, self.request.user
        records = minutes_records(meeting, user)
        if any(record["kind"] == "dhr" for record in records):
            dhr_gate(self.request, what=f"Minutes of DHR items of {meeting}")
        records = copy.deepcopy(records)  # the live status of each action is shown beside its frozen wording
        actions = [a for r in records for m in r["minutes"] for a in m["actions"]]
        now = Action.objects.in_bulk([a["id"] for a in actions])
        for action in actions:
            action["now"] = now.get(action["id"])
        open_minutes = meeting.status == Meeting.Status.HELD and meeting.minutes_signed_at is None
        held = meeting.status in (Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED)
        officer = user.has_perm("meetings.manage") and held
        amendments_attach(records, meeting, user)
        can_manage = user.has_perm("meetings.manage") and open_minutes
        signed = meeting.minutes_signed_at is not None
        errata = Erratum.objects.none()
        if signed:  # errata beside the record; each part's file and hashes ("record details")
            errata = Erratum.objects.visible_to(user).filter(meeting=meeting).select_related("minute")
            parts = SignedMinutes.objects.visible_to(user).filter(meeting=meeting).values(*RECORD_DETAILS)
            files = {row["kind"]: row for row in parts}
            for record in records:
                record["file"] = files.get(record["kind"])
        return super().get_context_data(
            records=records,
            item_quorums=selectors.item_quorum_rows(meeting, user) if officer else [],
            errata=errata,
            can_record_erratum=signed and erratum_signatory(meeting, user) is not None,
            can_update_actions=user.has_perm("meetings.manage"),
            can_manage=can_manage,
            can_circulate=can_manage and bool(records),
            can_decide=can_manage,
            undecided=MinuteAmendment.objects.visible_to(user).filter(minute__meeting=meeting).undecided().count()
            if can_manage
            else 0,
            notes_item=notes_item_to_minute(meeting) if can_manage else None,
            can_approve=user.has_perm("meetings.approve_minutes") and open_minutes and bool(records),
            approval_minute=meeting.approval_minutes.filter(meeting=meeting.minutes_approved_at_meeting)
            .values_list("number", flat=True)
            .first()
            if meeting.minutes_approved_at_meeting_id
            else None,
            **kwargs,
        )


class ICalFeedView(View):
    """Published meetings of public bodies, for anyone's calendar application."""

    def get(self, request):
        meetings = Meeting.objects.in_calendars().filter(committee__is_public=True)
        return ical_response(request, meetings, "Kent Community Safety Partnership meetings")


class MeetingICalView(View):
    """One meeting's .ics, "Add to your calendar" on its page: to whoever may see the page, else 404."""

    def get(self, request, pk):
        return meeting_ical_response(request, pk)
