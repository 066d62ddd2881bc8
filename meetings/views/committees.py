"""Committees, their terms of reference, offices and membership: officers edit, partnership users read."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from kcsp.locking import RecordLockMixin
from kcsp.mixins import RolePermissionMixin

from .. import minuting
from ..forms import CommitteeForm, MembershipForm, TermsOfReferenceForm
from ..models import Committee, CommitteeSection, Membership, OfficeTerm, StandardItem, TermsOfReference
from .base import FormPageMixin, OfficerMixin


class ReaderMixin(RolePermissionMixin):
    permission_required = "meetings.view_committees"


class CommitteeListView(ReaderMixin, ListView):
    template_name = "meetings/committee_list.html"
    queryset = Committee.objects.select_related("parent")


class CommitteeDetailView(ReaderMixin, DetailView):
    template_name = "meetings/committee_detail.html"
    queryset = Committee.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        committee = self.object
        return super().get_context_data(
            current_terms=committee.terms_of_reference.current(),
            versions=committee.terms_of_reference.all(),
            offices=OfficeTerm.objects.current().filter(committee=committee).select_related("person"),
            all_terms=OfficeTerm.objects.filter(committee=committee)
            .select_related("person")
            .order_by("office", "-starts_on"),
            memberships=Membership.objects.current()
            .filter(committee=committee)
            .select_related("person", "organisation"),
            meetings=committee.meetings.visible_to(self.request.user)[:10],
            can_manage=self.request.user.has_perm("meetings.manage"),
            agenda_sections=committee.agenda_sections.all(),
            standard_items=committee.standard_items.all(),
            layout_history=layout_history(committee) if self.request.user.has_perm("meetings.manage") else [],
            **kwargs,
        )


def layout_history(committee, limit: int = 20) -> list:
    """The latest changes to the committee's sections and standard items, newest first, each with `what`."""
    rows = []
    for model, label in ((CommitteeSection, "section"), (StandardItem, "standard item")):
        for record in model.history.filter(committee_id=committee.pk).select_related("history_user")[:limit]:
            name = f"{record.letter}. {record.heading}" if label == "section" else f"{record.section} {record.title}"
            record.what = f"{label} {name}"
            rows.append(record)
    return sorted(rows, key=lambda r: r.history_date, reverse=True)[:limit]


class CommitteeCreateView(OfficerMixin, FormPageMixin, CreateView):
    form_class = CommitteeForm
    heading = "New committee"


class CommitteeEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = CommitteeForm
    heading = "Edit committee"
    model = Committee

    def get_back_url(self):
        return self.object.get_absolute_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        if {"resolution_wording", "resolution_label_style"} & set(form.changed_data):
            count = minuting.minutes_restyle(committee=self.object)
            messages.info(
                self.request, f"{count} draft minute(s) now print in the new style; signed minutes keep theirs."
            )
        return response


class CommitteeChildMixin(OfficerMixin, FormPageMixin):
    def load(self, request, **kwargs):
        self.committee = get_object_or_404(Committee, slug=kwargs["slug"])

    def get_caption(self):
        return str(self.committee)

    def get_back_url(self):
        return self.committee.get_absolute_url()

    def form_valid(self, form):
        form.instance.committee = self.committee
        form.save()
        messages.success(self.request, self.success_message)
        return redirect(self.committee)


class TermsOfReferenceCreateView(CommitteeChildMixin, CreateView):
    form_class = TermsOfReferenceForm
    heading = "Add a version of the terms of reference"
    success_message = "New version of the terms of reference saved. Earlier versions are kept."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "committee": self.committee}


class TermsOfReferenceDetailView(ReaderMixin, DetailView):
    template_name = "meetings/terms_detail.html"
    context_object_name = "terms"
    queryset = TermsOfReference.objects.select_related("committee")


class MembershipCreateView(CommitteeChildMixin, CreateView):
    form_class = MembershipForm
    heading = "Add a member"
    success_message = "Membership saved."


class MembershipEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = MembershipForm
    heading = "Edit membership"
    queryset = Membership.objects.select_related("committee")

    def get_back_url(self):
        return self.object.committee.get_absolute_url()

    get_success_url = get_back_url
