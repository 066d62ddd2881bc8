"""Officers set a committee's agenda layout (sections, standard items); DHR-cleared users a DHR item's public title."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView, UpdateView

from dhr.gate import dhr_gate
from kcsp.locking import RecordLockMixin

from .. import agenda_setup
from ..agenda_setup_forms import CommitteeSectionForm, PublicTitleForm, StandardItemForm
from ..models import AgendaItem, Committee, CommitteeSection, StandardItem
from ..public_titles import agenda_item_public_title_set
from .base import ConfirmActionView, FormPageMixin, OfficerMixin


class SetupFormMixin(OfficerMixin, FormPageMixin):
    """A form page for one row of a committee's agenda layout, saved by `service`; back to the committee."""

    service = None
    success_message = ""

    def committee(self) -> Committee:
        return self.object.committee if getattr(self, "object", None) else self.parent

    def get_caption(self):
        return str(self.committee())

    def get_back_url(self):
        return self.committee().get_absolute_url() + "#agenda-layout"

    def form_valid(self, form):
        form.instance.committee = self.committee()
        try:
            type(self).service(form.instance, lock=getattr(self, "record_lock", None))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_back_url())


def _save_section(section, lock=None):
    return agenda_setup.committee_section_save(section=section, lock=lock)


def _save_standard(item, lock=None):
    return agenda_setup.standard_item_save(item=item, lock=lock)


class CommitteeSectionCreateView(SetupFormMixin, CreateView):
    form_class = CommitteeSectionForm
    heading = "Add a section to the committee's agendas"
    service = _save_section
    success_message = "Section added."

    def load(self, request, **kwargs):
        self.parent = get_object_or_404(Committee, slug=kwargs["slug"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = CommitteeSection(committee=self.parent)
        return kwargs


class CommitteeSectionEditView(SetupFormMixin, RecordLockMixin, UpdateView):
    form_class = CommitteeSectionForm
    heading = "Change a section of the committee's agendas"
    queryset = CommitteeSection.objects.select_related("committee")
    service = _save_section
    success_message = "Section saved. Agendas already printed keep their heading until their packs are rebuilt."
    lock_in_service = True


class CommitteeSectionDeleteView(OfficerMixin, ConfirmActionView):
    heading = "Remove this section?"
    submit_label = "Remove section"
    explanation = "New agendas will no longer have this section. A section holding items cannot be removed."
    success_message = "Section removed."

    def load(self, request, **kwargs):
        self.section = get_object_or_404(CommitteeSection.objects.select_related("committee"), pk=kwargs["pk"])

    def get_caption(self):
        return f"{self.section.committee}: {self.section}"

    def get_back_url(self):
        return self.section.committee.get_absolute_url() + "#agenda-layout"

    get_success_url = get_back_url

    def act(self):
        agenda_setup.committee_section_delete(section=self.section)


class StandardItemCreateView(SetupFormMixin, CreateView):
    form_class = StandardItemForm
    heading = "Add a standard agenda item"
    service = _save_standard
    success_message = "Standard item added: new meetings' agendas will start with it."

    def load(self, request, **kwargs):
        self.parent = get_object_or_404(Committee, slug=kwargs["slug"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "committee": self.parent}


class StandardItemEditView(SetupFormMixin, RecordLockMixin, UpdateView):
    form_class = StandardItemForm
    heading = "Change a standard agenda item"
    queryset = StandardItem.objects.select_related("committee")
    service = _save_standard
    success_message = "Standard item saved: agendas already made keep theirs."
    lock_in_service = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "committee": self.object.committee}


class StandardItemDeleteView(OfficerMixin, ConfirmActionView):
    heading = "Remove this standard item?"
    submit_label = "Remove standard item"
    explanation = "New meetings' agendas will no longer start with it; agendas already made keep theirs."
    success_message = "Standard item removed."

    def load(self, request, **kwargs):
        self.item = get_object_or_404(StandardItem.objects.select_related("committee"), pk=kwargs["pk"])

    def get_caption(self):
        return f"{self.item.committee}: {self.item.section} {self.item.title}"

    def get_back_url(self):
        return self.item.committee.get_absolute_url() + "#agenda-layout"

    get_success_url = get_back_url

    def act(self):
        agenda_setup.standard_item_delete(item=self.item)


class ItemPublicTitleView(RecordLockMixin, FormPageMixin, UpdateView):
    """A DHR item's public title: behind the DHR gate (404 to everyone else, the view recorded in the access log)."""

    form_class = PublicTitleForm
    heading = "Title shown to the public"
    lock_in_service = True

    def load(self, request, **kwargs):
        dhr_gate(request, what="Public title of a DHR agenda item")

    def get_queryset(self):
        return AgendaItem.objects.visible_to(self.request.user).filter(restriction_reason="dhr")

    def get_caption(self):
        return f"{self.object.meeting} — item {self.object.code} {self.object.title}"

    def get_back_url(self):
        return self.object.meeting.get_absolute_url()

    def form_valid(self, form):
        try:
            agenda_item_public_title_set(
                item=form.instance,
                public_title=form.cleaned_data["public_title"],
                user=self.request.user,
                lock=self.record_lock,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f'Item {form.instance.code} is listed to the public as "{form.instance.listed_title}".'
        )
        return redirect(self.get_back_url())
