"""Officers build meetings, agendas and papers; the chair agrees the agenda."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View
from django.views.generic import CreateView, UpdateView

from kcsp import markup
from kcsp.locking import RecordLockMixin

from .. import services
from ..change_forms import PublishForm
from ..forms import AgendaItemForm, AppendixForm, MeetingForm, UploadedPaperForm, WrittenPaperForm
from ..models import AgendaItem, Meeting, Paper, PaperSection
from ..packbuild.tags import UNTAGGED_WARNING
from ..section_forms import SectionForm, SectionPreviewForm
from ..uploads import extract_text
from .base import ConfirmActionView, FormPageMixin, MeetingPageMixin, OfficerMixin


def visible_meetings(user):
    return Meeting.objects.visible_to(user).select_related("committee")


def visible_items(user):
    return AgendaItem.objects.visible_to(user).select_related("meeting__committee")


class MeetingCreateView(OfficerMixin, FormPageMixin, CreateView):
    form_class = MeetingForm
    heading = "New meeting"

    def form_valid(self, form):
        data = {
            f: form.cleaned_data[f] for f in ("venue_kind", "venue", "contact_name", "contact_phone", "contact_email")
        }
        try:
            self.object = services.meeting_create(
                committee=form.cleaned_data["committee"],
                starts_at=form.instance.starts_at,
                ends_at=form.instance.ends_at,
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Meeting created with the standard committee business items.")
        return redirect(self.object)


class MeetingEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = MeetingForm
    heading = "Edit meeting"

    def get_queryset(self):
        return visible_meetings(self.request.user)

    def form_valid(self, form):
        try:
            services.meeting_save(meeting=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Meeting saved.")
        return redirect(form.instance)

    def get_back_url(self):
        return self.object.get_absolute_url()


class ItemFormMixin(OfficerMixin, FormPageMixin):
    form_class = AgendaItemForm

    def form_valid(self, form):
        old_section = form.initial.get("section")
        try:
            needs_agreement = services.agenda_item_save(
                item=form.instance, old_section=old_section, lock=getattr(self, "record_lock", None)
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if needs_agreement:
            messages.warning(
                self.request, "The agenda changed after the chair agreed it: the chair must agree it again."
            )
        else:
            messages.success(self.request, f"Item {form.instance.code} saved.")
        return redirect(form.instance.meeting)


class ItemCreateView(ItemFormMixin, CreateView):
    heading = "Add an agenda item"

    def load(self, request, **kwargs):
        self.meeting = get_object_or_404(visible_meetings(request.user), pk=kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = AgendaItem(meeting=self.meeting)
        return kwargs

    def get_caption(self):
        return str(self.meeting)

    def get_back_url(self):
        return self.meeting.get_absolute_url()


class ItemEditView(RecordLockMixin, ItemFormMixin, UpdateView):
    heading = "Edit agenda item"
    lock_in_service = True  # after the meeting's lock, as every agenda write takes them

    def get_queryset(self):
        return visible_items(self.request.user)

    def get_caption(self):
        return f"{self.object.meeting} — item {self.object.code}"

    def get_back_url(self):
        return self.object.meeting.get_absolute_url()


class ItemMoveView(OfficerMixin, View):
    def post(self, request, pk, direction):
        item = get_object_or_404(visible_items(request.user), pk=pk)
        try:
            services.agenda_item_move(item=item, direction="up" if direction == "up" else "down")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + f"#item-{item.pk}")


class ItemDeleteView(OfficerMixin, ConfirmActionView):
    heading = "Remove this agenda item?"
    submit_label = "Remove item"

    def load(self, request, **kwargs):
        self.item = get_object_or_404(visible_items(request.user), pk=kwargs["pk"])

    def get_caption(self):
        return f"{self.item.code} {self.item.title}"

    @property
    def explanation(self):
        return "The item and any papers attached to it will be removed, and the items after it renumbered."

    def act(self):
        services.agenda_item_delete(item=self.item)
        self.success_message = "Item removed and the agenda renumbered."

    def get_back_url(self):
        return self.item.meeting.get_absolute_url()

    def get_success_url(self):
        return self.item.meeting.get_absolute_url()


class MeetingStepView(MeetingPageMixin, ConfirmActionView):
    """One step of the meeting's life: publish, mark held (the chair's steps are in views/chair.py)."""


class MeetingPublishView(OfficerMixin, MeetingStepView):
    heading = "Publish the agenda"
    submit_label = "Publish the agenda"
    explanation = (
        "The agenda and public papers become visible to everyone. Restricted items stay visible only to those entitled."
    )
    success_message = "Agenda published."
    form_class = PublishForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def form_valid(self, form):
        published_on = form.cleaned_data.get("published_on")
        try:
            services.meeting_publish(meeting=self.meeting, user=self.request.user, published_on=published_on)
        except ValidationError as error:
            if published_on is None:
                messages.error(self.request, " ".join(error.messages))
                return redirect(self.get_success_url())
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class MeetingHeldView(OfficerMixin, MeetingStepView):
    heading = "Record that the meeting was held"
    submit_label = "Meeting was held"
    explanation = "You can then record attendance and write the minutes."
    success_message = "Meeting recorded as held."

    def act(self):
        services.meeting_mark_held(meeting=self.meeting, user=self.request.user)


class PaperCreateMixin(OfficerMixin, FormPageMixin):
    def load(self, request, **kwargs):
        self.item = get_object_or_404(visible_items(request.user), pk=kwargs["pk"])

    def get_caption(self):
        return f"{self.item.code} {self.item.title}"

    def get_back_url(self):
        return self.item.get_absolute_url()

    def get_initial(self):
        meeting = self.item.meeting
        return {
            "subject": self.item.title,
            "classification": self.item.purpose,
            "addressed_to": f"{meeting.committee} – {meeting.date:%-d %B %Y}",
        }


class PaperWriteView(PaperCreateMixin, CreateView):
    form_class = WrittenPaperForm
    heading = "Write a paper"

    def form_valid(self, form):
        form.instance.item, form.instance.format = self.item, Paper.Format.WRITTEN
        paper = services.paper_save(paper=form.instance, user=self.request.user)
        messages.success(self.request, "Paper saved. Add its numbered sections below.")
        return redirect(paper)


class PaperUploadView(PaperCreateMixin, CreateView):
    form_class = UploadedPaperForm
    heading = "Upload a paper"

    def form_valid(self, form):
        paper = form.instance
        paper.item, paper.format = self.item, Paper.Format.UPLOADED
        paper.original_name, paper.file_kind = form.checked.original_name, form.checked.kind
        paper.extracted_text = extract_text(form.cleaned_data["upload"], form.checked.kind)
        with transaction.atomic():
            paper.file.save(form.checked.original_name, form.cleaned_data["upload"], save=False)
            services.paper_save(paper=paper, user=self.request.user)
        messages.success(self.request, f"{paper.original_name} uploaded.{form.checked.removal_note()}")
        if paper.untagged:  # it still uploads: the officer is told, here and on the paper's page (issue 19)
            messages.warning(self.request, UNTAGGED_WARNING)
        return redirect(paper)


class PaperEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = WrittenPaperForm
    heading = "Edit paper"

    def get_queryset(self):
        return Paper.objects.visible_to(self.request.user).filter(format=Paper.Format.WRITTEN)

    def get_back_url(self):
        return self.object.get_absolute_url()


class SectionFormMixin(OfficerMixin, FormPageMixin):
    """A section's heading and text (kcsp/markup.py), with the guide; "Preview" shows it rendered, saving nothing
    (the page's script shows the same preview live, through SectionPreviewView)."""

    model = PaperSection
    form_class = SectionForm
    template_name = "meetings/section_form.html"

    def form_valid(self, form):
        if "preview" in self.request.POST:
            blocks = markup.render_blocks(form.cleaned_data["body"], section=form.instance.position or 1)
            return self.render_to_response(self.get_context_data(form=form, preview=blocks))
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        position = self.object.position if getattr(self, "object", None) else self.paper.sections.count() + 1
        return super().get_context_data(position=position, **kwargs)

    def get_success_url(self):
        return self.object.paper.get_absolute_url()


class SectionCreateView(SectionFormMixin, CreateView):
    heading = "Add a section"

    def load(self, request, **kwargs):
        visible = Paper.objects.visible_to(request.user).filter(format=Paper.Format.WRITTEN)
        self.paper = get_object_or_404(visible, pk=kwargs["pk"])

    def form_valid(self, form):
        with transaction.atomic():
            Paper.objects.select_for_update().get(pk=self.paper.pk)
            form.instance.paper = self.paper
            form.instance.position = self.paper.sections.count() + 1
            return super().form_valid(form)

    def get_back_url(self):
        return self.paper.get_absolute_url()


class SectionEditView(RecordLockMixin, SectionFormMixin, UpdateView):
    heading = "Edit section"

    def get_queryset(self):
        return PaperSection.objects.filter(paper__in=Paper.objects.visible_to(self.request.user))

    def get_back_url(self):
        return self.object.paper.get_absolute_url()


class SectionPreviewView(OfficerMixin, View):
    """POST body (and position): the section's text rendered as the paper page shows it, an HTML fragment.

    Officers only (those who write papers), CSRF-checked like every POST; nothing is saved or read from the
    database. Text over the section limit answers 400 with the rule.
    """

    http_method_names = ["post"]

    def post(self, request):
        form = SectionPreviewForm(request.POST, viewer=request.user)
        if not form.is_valid():
            message = " ".join(form.errors.get("body", ["Check the text"]))
            response = HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        else:
            blocks = markup.render_blocks(form.cleaned_data["body"], section=form.cleaned_data["position"] or 1)
            context = {"blocks": blocks, "section_number": form.cleaned_data["position"] or 1}
            response = HttpResponse(render_to_string("meetings/includes/section_body.html", context))
        response["Cache-Control"] = "no-store"
        return response


class AppendixCreateView(OfficerMixin, FormPageMixin, CreateView):
    form_class = AppendixForm
    heading = "Add an appendix"

    def load(self, request, **kwargs):
        self.paper = get_object_or_404(Paper.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_back_url(self):
        return self.paper.get_absolute_url()

    def form_valid(self, form):
        appendix = services.appendix_add(
            paper=self.paper,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["upload"],
            original_name=form.checked.original_name,
            file_kind=form.checked.kind,
        )
        messages.success(self.request, f"Appendix {appendix.letter} added.{form.checked.removal_note()}")
        if appendix.untagged:
            messages.warning(self.request, f"Appendix {appendix.letter}: {UNTAGGED_WARNING}")
        return redirect(self.paper)
