"""The data protection officer's disposal pages: monthly lists, one list grouped by record type, approving a batch
(with a confirmation page), keeping a record, and the disposal records. Thin views over kcsp.governance.lists.

DHR candidates and DHR disposal records are shown only to a data protection officer who is DHR-cleared and has
entered a one-time code (kcsp.roles.dpo_sees_dhr); anyone else sees how many there are, never their pseudonyms.
"""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView

from kcsp.mixins import RolePermissionMixin
from kcsp.pages import ConfirmActionView, FormPageMixin
from kcsp.roles import dpo_sees_dhr

from . import record_types
from .forms import ApproveForm, KeepForm
from .lists import candidate_keep, disposal_approve, disposal_list_make
from .models import DisposalCandidate, DisposalList, DisposalRecord
from .views import errors_to_form

Status = DisposalCandidate.Status


def records(count: int) -> str:
    """ "1 record", "3 records"."""
    return f"{count} record" if count == 1 else f"{count} records"


def record_url(candidate: DisposalCandidate) -> str:
    """The address of the candidate's record page from its record type; "" when it has none or is undeclared."""
    try:
        return record_types.record_type(candidate.record_type).url(candidate.object_id)
    except KeyError:
        return ""


class ReviewMixin(RolePermissionMixin):
    permission_required = "governance.review_disposal"


def candidates_visible_to(user):
    """Candidates the user may review: DHR ones only for a DPO who sees DHR."""
    candidates = DisposalCandidate.objects.all()
    return candidates if dpo_sees_dhr(user) else candidates.filter(is_dhr=False)


class DisposalListsView(ReviewMixin, ListView):
    """Every list, newest first, with how many records wait on each; the "Make a list now" button."""

    template_name = "governance/disposal_lists.html"
    context_object_name = "lists"
    paginate_by = 25

    def get_queryset(self):
        waiting = Q(candidates__status=Status.LISTED)
        if not dpo_sees_dhr(self.request.user):
            waiting &= Q(candidates__is_dhr=False)
        return DisposalList.objects.annotate(
            total=Count("candidates", distinct=True), waiting=Count("candidates", filter=waiting, distinct=True)
        ).order_by("-made_at", "-pk")


class DisposalListMakeView(ReviewMixin, ConfirmActionView):
    """The DPO's "Make a list now": the same list the monthly task makes, counted to today."""

    heading = "Make a disposal list now"
    caption = "Disposal"
    submit_label = "Make the list"
    explanation = (
        "Every record whose retention period has ended by today is listed for your review, except records under a "
        "legal hold and records already on a list or decided. Nothing is deleted until you approve it."
    )

    def get_back_url(self):
        return reverse("governance:disposal_lists")

    def act(self):
        self.made = disposal_list_make(timezone.localdate())
        messages.success(self.request, f"{records(self.made.candidates.count())} listed for review.")

    def get_success_url(self):
        made = getattr(self, "made", None)
        return reverse("governance:disposal_list", args=[made.pk]) if made else self.get_back_url()


class DisposalListView(ReviewMixin, DetailView):
    """One list: its candidates grouped by record type, a hundred a page, checkboxes to approve a batch."""

    template_name = "governance/disposal_list.html"
    model = DisposalList
    context_object_name = "disposal_list"

    paginate_by = 100  # records a page; a first list may hold hundreds

    def get_context_data(self, **kwargs):
        user = self.request.user
        candidates = self.object.candidates.select_related("decided_by").order_by("record_type", "due_on", "pk")
        visible = candidates if dpo_sees_dhr(user) else candidates.filter(is_dhr=False)
        page_obj = Paginator(visible, self.paginate_by).get_page(self.request.GET.get("page"))
        shown = list(page_obj.object_list)
        for candidate in shown:  # a link to the record's own page while it waits for review ("Person 42" says little)
            candidate.record_url = candidate.status == Status.LISTED and record_url(candidate) or ""
        groups = [
            {"label": rows[0].get_record_type_display(), "key": key, "rows": rows}
            for key, rows in ((key, list(rows)) for key, rows in groupby(shown, key=lambda c: c.record_type))
        ]
        return super().get_context_data(
            groups=groups,
            hidden_dhr=0 if dpo_sees_dhr(user) else candidates.filter(is_dhr=True).count(),
            waiting=visible.filter(status=Status.LISTED).count(),
            page_obj=page_obj,
            **kwargs,
        )


def _selected(request) -> list[int]:
    values = request.POST.getlist("candidate") if request.method == "POST" else request.GET.getlist("candidate")
    return sorted({int(value) for value in values if value.isdigit() and len(value) < 19})


class DisposalApproveView(ReviewMixin, FormPageMixin, FormView):
    """The list's "Approve selected" (a POST without `confirm`, or a GET): what will be deleted or anonymised,
    changing nothing; this page's POST (`confirm=yes`): approve them. The selection is POSTed because a GET of a
    few hundred ids was longer than gunicorn's request line (4094 bytes): a bare "400 Bad Request"."""

    form_class = ApproveForm
    template_name = "governance/disposal_approve.html"
    caption = "Disposal"
    heading = "Approve disposal"

    def load(self, request, **kwargs):
        self.disposal_list = get_object_or_404(DisposalList, pk=kwargs["pk"])
        self.ids = _selected(request)
        visible = candidates_visible_to(request.user).filter(disposal_list=self.disposal_list)
        self.candidates = list(visible.filter(pk__in=self.ids).order_by("record_type", "due_on", "pk"))

    def get_back_url(self):
        return reverse("governance:disposal_list", args=[self.disposal_list.pk])

    def get(self, request, *args, **kwargs):
        if not self.ids:
            messages.error(request, "Select at least one record to approve")
            return redirect(self.get_back_url())
        stale = [c for c in self.candidates if c.status != Status.LISTED]
        if stale or len(self.candidates) != len(self.ids):
            what = stale[0].label if stale else "A record you selected"
            messages.error(request, f"{what} is no longer waiting for review on this list: check the list again")
            return redirect(self.get_back_url())
        return super().get(request, *args, **kwargs)

    def confirming(self) -> bool:
        return self.request.method == "POST" and self.request.POST.get("confirm") == "yes"

    def post(self, request, *args, **kwargs):
        if not self.confirming():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if not self.confirming():  # the confirmation page: a fresh form holding the selection, no errors
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        return {**kwargs, "candidates": self.candidates, "initial": {"candidate": self.ids, "confirm": "yes"}}

    def get_context_data(self, **kwargs):
        return super().get_context_data(candidates=self.candidates, **kwargs)

    def form_invalid(self, form):
        messages.error(self.request, " ".join(form.errors.get("candidate", ["Select at least one record"])))
        return redirect(self.get_back_url())

    def form_valid(self, form):
        try:
            approved = disposal_approve(self.request.user, self.candidates, self.disposal_list)
        except (ValidationError, PermissionDenied) as refused:
            text = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
            messages.error(self.request, text)
            return redirect(self.get_back_url())
        messages.success(self.request, f"{records(len(approved))} approved for disposal.")
        return redirect(self.get_back_url())


class CandidateKeepView(ReviewMixin, FormPageMixin, FormView):
    """Keep one listed record after review, with a note."""

    form_class = KeepForm
    caption = "Disposal"

    def load(self, request, **kwargs):
        self.candidate = get_object_or_404(candidates_visible_to(request.user), pk=kwargs["pk"])

    @property
    def heading(self):
        return f"Keep {self.candidate.label}"

    def get_back_url(self):
        return reverse("governance:disposal_list", args=[self.candidate.disposal_list_id])

    def get_context_data(self, **kwargs):
        explanation = (
            f"{self.candidate.get_record_type_display()}: its period ended on {self.candidate.due_on:%-d %B %Y}. "
            "Kept records are not listed for disposal again."
        )
        return super().get_context_data(explanation=explanation, **kwargs)

    def form_valid(self, form):
        try:
            candidate_keep(self.request.user, self.candidate, form.cleaned_data["note"])
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.candidate.label} kept.")
        return redirect(self.get_back_url())


class DisposalRecordsView(ReviewMixin, ListView):
    """What was disposed of, newest first; DHR ones only for a DPO who sees DHR."""

    template_name = "governance/disposal_records.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        records = DisposalRecord.objects.order_by("-disposed_at", "-pk")
        return records if dpo_sees_dhr(self.request.user) else records.filter(is_dhr=False)

    def get_context_data(self, **kwargs):
        hidden = 0 if dpo_sees_dhr(self.request.user) else DisposalRecord.objects.filter(is_dhr=True).count()
        return super().get_context_data(hidden_dhr=hidden, **kwargs)
