"""Recommendations and agency action plans: actions, their updates, and escalations when agencies are late."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.views.generic import CreateView

from .. import forms
from ..models import AgencyAction, Recommendation
from .base import CaseFormMixin


class RecommendationCreateView(CaseFormMixin, CreateView):
    form_class = forms.RecommendationForm
    heading = "Add a recommendation"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def get_initial(self):
        return {"number": self.case.recommendations.count() + 1}


class AgencyActionCreateView(CaseFormMixin, CreateView):
    form_class = forms.AgencyActionForm
    heading = "Add an agency action"

    def load(self, request, **kwargs):
        self.recommendation = get_object_or_404(Recommendation.objects.select_related("case"), pk=kwargs["pk"])
        self.case = self.recommendation.case

    def get_caption(self):
        return f"{self.case}: recommendation {self.recommendation.number}"

    def save(self, form):
        form.instance.recommendation = self.recommendation
        return form.save()


class ActionUpdateCreateView(CaseFormMixin, CreateView):
    form_class = forms.ActionUpdateForm
    heading = "Record an agency update"
    success_message = "Update recorded."

    def load(self, request, **kwargs):
        self.action = get_object_or_404(
            AgencyAction.objects.select_related("recommendation__case", "organisation"), pk=kwargs["pk"]
        )
        self.case = self.action.recommendation.case

    def get_caption(self):
        return f"{self.case}: {self.action.organisation}, action due {self.action.due_on:%-d %B %Y}"

    def get_initial(self):
        return {"status": self.action.status}

    @transaction.atomic
    def save(self, form):
        update = form.instance
        update.action = self.action
        update.recorded_by = self.request.user
        update.save()
        self.action.status = update.status
        complete = update.status == AgencyAction.Status.COMPLETE
        self.action.completed_on = form.cleaned_data.get("completed_on") if complete else None
        self.action.save(update_fields=["status", "completed_on"])
        return update


class EscalationCreateView(CaseFormMixin, CreateView):
    form_class = forms.EscalationForm
    heading = "Record an escalation"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def save(self, form):
        form.instance.case = self.case
        form.instance.recorded_by = self.request.user
        return form.save()
