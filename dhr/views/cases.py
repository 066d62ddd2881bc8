"""Cases: the list (overdue first), a case's page, its details and stage, extensions, panel, files and publication."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from kcsp.downloads import Outgoing, file_send
from kcsp.locking import RecordLockMixin
from kcsp.pages import FormPageMixin

from .. import forms
from ..models import AccessLog, AgencyAction, Case, CaseDocument, Recommendation, TimescaleRule
from ..services import case_publication_set, case_save, extension_add
from .base import CaseFormMixin, ClearedMixin, LoggedViewMixin


class CaseListView(LoggedViewMixin, ListView):
    template_name = "dhr/case_list.html"
    paginate_by = 25
    page_name = "Case list"
    log_action = AccessLog.Action.LIST

    def get_queryset(self):
        return Case.objects.listing().prefetch_related("extensions")

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(today=today, **kwargs)
        context["rows"] = [(case, case.milestones(today)) for case in context["object_list"]]
        context["overdue_count"] = Case.objects.overdue(today).count()
        return context


class CaseCreateView(ClearedMixin, FormPageMixin, CreateView):
    form_class = forms.CaseForm
    heading = "New Domestic Homicide Review case"

    def get_back_url(self):
        return reverse("dhr:case_list")

    def form_valid(self, form):
        try:
            case = case_save(case=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.log(AccessLog.Action.CREATE, f"Case {case}", case)
        messages.success(self.request, f"Case {case} added.")
        return redirect(case)


class CaseEditView(ClearedMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = forms.CaseForm
    model = Case
    heading = "Case details and stage"

    def get_caption(self):
        return f"Domestic Homicide Review {self.object}"

    def get_back_url(self):
        return self.object.get_absolute_url()

    def form_valid(self, form):
        try:
            case = case_save(case=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        changed = ", ".join(form.changed_data) or "nothing"
        self.log(AccessLog.Action.CHANGE, f"Case details ({changed})", case)
        messages.success(self.request, "Case saved.")
        return redirect(case)


class CaseDetailView(LoggedViewMixin, DetailView):
    template_name = "dhr/case_detail.html"
    page_name = "Case"

    def get_queryset(self):
        actions = AgencyAction.objects.select_related("organisation").prefetch_related("updates")
        recommendations = Recommendation.objects.select_related("organisation").prefetch_related(
            Prefetch("actions", queryset=actions)
        )
        return Case.objects.prefetch_related(
            "extensions",
            "panel__organisation",
            "related_reviews",
            "documents",
            "costs",
            "escalations__action__organisation",
            "lesson_events",
            Prefetch("recommendations", queryset=recommendations),
        )

    def logged_what(self, case):
        return f"Case {case}"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        update_months = TimescaleRule.months_for(TimescaleRule.Key.AGENCY_UPDATE)
        recommendations = []
        for recommendation in self.object.recommendations.all():
            rows = []
            for action in recommendation.actions.all():
                next_update = action.next_update_due(update_months)
                rows.append(
                    {
                        "action": action,
                        "overdue": action.is_overdue(today),
                        "next_update": next_update,
                        "update_late": action.status != AgencyAction.Status.COMPLETE and next_update < today,
                    }
                )
            recommendations.append((recommendation, rows))
        return super().get_context_data(
            milestones=self.object.milestones(today),
            recommendations=recommendations,
            total_cost=sum((cost.amount for cost in self.object.costs.all()), start=0),
            update_months=update_months,
            **kwargs,
        )


class CaseHistoryView(LoggedViewMixin, DetailView):
    template_name = "dhr/case_history.html"
    model = Case
    page_name = "History"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            versions=self.object.history.select_related("history_user")[:100],
            log=self.object.access_log.select_related("user")[:100],
            **kwargs,
        )


class ExtensionCreateView(CaseFormMixin, FormView):
    form_class = forms.ExtensionForm
    heading = "Record an extension"
    success_message = "Extension recorded: the due date has moved."

    def save(self, form):
        data = form.cleaned_data
        try:
            return extension_add(
                case=self.case,
                milestone=data["milestone"],
                new_due_on=data["new_due_on"],
                reason=data["reason"],
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)


class PanelMemberCreateView(CaseFormMixin, CreateView):
    form_class = forms.PanelMemberForm
    heading = "Add a panel member"


class RelatedReviewCreateView(CaseFormMixin, CreateView):
    form_class = forms.RelatedReviewForm
    heading = "Add a related review"


class DocumentUploadView(CaseFormMixin, CreateView):
    form_class = forms.DocumentForm
    heading = "Upload a file"
    success_message = "File uploaded."

    def save(self, form):
        document = form.instance
        document.case = self.case
        document.uploaded_by = self.request.user
        document.file_kind = form.checked.kind
        document.original_name = form.checked.original_name
        self.success_message = f"File uploaded.{form.checked.removal_note()}"
        document.file.save("upload", form.cleaned_data["upload"], save=False)
        document.save()
        return document


class DocumentDownloadView(ClearedMixin, View):
    def get(self, request, pk):
        def outgoing(document):
            return Outgoing(
                document.original_name,
                document.file_kind,
                field_file=document.file,
                what=f"DHR {document.case}: File {document.title} ({document.original_name})",
                subject=document,
                dhr=True,  # file_send passes it through the DHR gate (the one access-log row) and marks it
                case=document.case,
            )

        return file_send(request, CaseDocument.objects.select_related("case").exclude(file=""), outgoing, pk=pk)


class PublicationView(RecordLockMixin, CaseFormMixin, FormView):
    form_class = forms.PublicationForm
    heading = "Publish on the public page"
    log_action = AccessLog.Action.CHANGE
    success_message = "Publication settings saved."

    def get_locked_object(self):
        return self.case

    def get_locked_fields(self, form):
        return ("is_listed_publicly", "published_report")

    def get_initial(self):
        return {"listed": "yes" if self.case.is_listed_publicly else "no"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            explanation="Only the pseudonym, year, publication date and the link to (or copy of) the published "
            "report appear on the public page.",
            **kwargs,
        )

    def save(self, form):
        if getattr(form, "checked", None):
            self.success_message = f"Publication settings saved.{form.checked.removal_note()}"
        try:
            return case_publication_set(
                case=self.case, listed=form.cleaned_data["listed"], report=form.cleaned_data.get("report")
            )
        except ValidationError as error:
            form.add_error(None, error)
