"""The retention schedule and legal holds pages (under /system/governance/): thin views over
kcsp.governance.services. Disposal lists and records: kcsp.governance.disposal_views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView, FormView, ListView, UpdateView

from kcsp.history import record_history
from kcsp.locking import RecordLockMixin
from kcsp.mixins import RolePermissionMixin
from kcsp.pages import FormPageMixin
from kcsp.roles import dpo_sees_dhr

from .forms import HoldForm, LiftForm, RuleForm
from .models import DisposalCandidate, LegalHold, RetentionRule
from .services import RULE_FIELDS, dhr_keys, legal_hold_lift, legal_hold_place, retention_rule_change


def errors_to_form(form, error: ValidationError) -> None:
    """A service's refusal onto the form: each field's message beside it, the rest in the summary."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ScheduleMixin(RolePermissionMixin):
    permission_required = "governance.view_retention_schedule"


class RetentionScheduleView(ScheduleMixin, ListView):
    """Every rule: record type, period, trigger, action, source and the "to confirm with your DPO" tag."""

    template_name = "governance/retention_schedule.html"
    context_object_name = "rules"

    def get_queryset(self):
        return RetentionRule.objects.order_by("pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_change=self.request.user.has_perm("governance.change_retention_rule"), **kwargs
        )


class RuleDetailView(ScheduleMixin, DetailView):
    template_name = "governance/rule_detail.html"
    model = RetentionRule
    context_object_name = "rule"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_change=self.request.user.has_perm("governance.change_retention_rule"),
            history=record_history(self.object),
            **kwargs,
        )


class RuleEditView(RolePermissionMixin, RecordLockMixin, FormPageMixin, UpdateView):
    """Edit one rule through retention_rule_change; a save over someone else's change is refused (locking)."""

    permission_required = "governance.change_retention_rule"
    model = RetentionRule
    form_class = RuleForm
    caption = "Retention schedule"

    @property
    def heading(self):
        return f"Edit the rule for {self.object.get_record_type_display().lower()}"

    def get_back_url(self):
        return reverse("governance:rule_detail", args=[self.object.pk])

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in RULE_FIELDS}
        saved = RetentionRule.objects.get(pk=self.object.pk)  # form.instance already holds what was typed
        try:
            retention_rule_change(self.request.user, saved, **fields)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Rule for {saved.get_record_type_display().lower()} saved.")
        return redirect(self.get_back_url())


class HoldMixin(RolePermissionMixin):
    permission_required = "governance.place_legal_hold"


def holds_visible_to(user):
    """Legal holds the user may see: DHR ones only for a data protection officer who sees DHR."""
    holds = LegalHold.objects.select_related("placed_by", "lifted_by")
    return holds if dpo_sees_dhr(user) else holds.exclude(record_type__in=dhr_keys())


class HoldListView(HoldMixin, ListView):
    template_name = "governance/hold_list.html"
    context_object_name = "holds"
    paginate_by = 25

    def get_queryset(self):
        return holds_visible_to(self.request.user).order_by("lifted_at", "-placed_at", "-pk")


class HoldPlaceView(HoldMixin, FormPageMixin, FormView):
    """Place a hold from a form (record type and number) or from a disposal-list row (?candidate=<id>)."""

    form_class = HoldForm
    heading = "Place a legal hold"
    caption = "Legal holds"
    explanation = (
        "While the hold is on, the record is never listed for disposal nor disposed of, whatever its retention rule."
    )

    def load(self, request, **kwargs):
        self.candidate = None
        candidate_id = request.GET.get("candidate", "")
        if candidate_id:
            if not candidate_id.isdigit():
                raise Http404
            self.candidate = get_object_or_404(DisposalCandidate, pk=int(candidate_id))
            if self.candidate.is_dhr and not dpo_sees_dhr(request.user):
                raise Http404

    def get_initial(self):
        if self.candidate is None:
            return {}
        return {"record_type": self.candidate.record_type, "object_id": self.candidate.object_id}

    def get_back_url(self):
        if self.candidate is not None:
            return reverse("governance:disposal_list", args=[self.candidate.disposal_list_id])
        return reverse("governance:hold_list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.explanation, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            hold = legal_hold_place(self.request.user, data["record_type"], data["object_id"], data["reason"])
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        except PermissionDenied as refused:
            form.add_error("record_type", str(refused))
            return self.form_invalid(form)
        messages.success(self.request, f"Legal hold placed on {hold.label}.")
        return redirect(self.get_back_url())


class HoldLiftView(HoldMixin, FormPageMixin, FormView):
    """The confirmation before lifting a hold, with the reason."""

    form_class = LiftForm
    caption = "Legal holds"

    def load(self, request, **kwargs):
        self.hold = get_object_or_404(holds_visible_to(request.user), pk=kwargs["pk"])

    @property
    def heading(self):
        return f"Lift the legal hold on {self.hold.label}"

    def get_back_url(self):
        return reverse("governance:hold_list")

    def get_context_data(self, **kwargs):
        explanation = (
            f"Placed {self.hold.placed_at:%-d %B %Y} because: {self.hold.reason} Once lifted, the record may be "
            "listed for disposal on the next monthly list if its period has ended."
        )
        if not self.hold.is_active:
            explanation = f"This hold was lifted on {self.hold.lifted_at:%-d %B %Y}."
        return super().get_context_data(explanation=explanation, **kwargs)

    def form_valid(self, form):
        try:
            legal_hold_lift(self.request.user, self.hold, form.cleaned_data["lift_reason"])
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Legal hold on {self.hold.label} lifted.")
        return redirect(self.get_back_url())
