"""Forms of Domestic Homicide Reviews, each saying clearly what is wrong."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from kcsp.dates import date_field
from kcsp.forms import GdsFormMixin
from meetings.uploads import check_upload

from .models import (
    ActionUpdate,
    AgencyAction,
    AgendaLink,
    Case,
    CaseCost,
    CaseDocument,
    Escalation,
    Extension,
    FundingContribution,
    FundingYear,
    LessonEvent,
    PanelMember,
    Recommendation,
    RelatedReview,
    TimescaleRule,
)

CASE_DATES = {
    "date_of_death": ("Date of death", False),
    "notified_on": ("Date the partnership was notified", True),
    "decision_on": ("Date of the decision", False),
    "chair_appointed_on": ("Date the chair was appointed", False),
    "submitted_on": ("Date submitted to the Home Office QA panel", False),
    "qa_outcome_on": ("Date of the QA outcome", False),
    "resubmitted_on": ("Date resubmitted", False),
    "published_on": ("Date published", False),
    "closed_on": ("Date closed", False),
}
CASE_DATES_PAST = {"date_of_death", "notified_on"}  # events that have happened: "must be today or in the past"


def https_urls(field, **kwargs):
    """Links typed without a scheme are taken as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class CaseForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save case"

    class Meta:
        model = Case
        formfield_callback = https_urls
        fields = [
            "pseudonym",
            "year",
            "csp_area",
            "status",
            "date_of_death",
            "notified_on",
            "decision",
            "decision_on",
            "decision_rationale",
            "chair",
            "chair_appointed_on",
            "victim_summary",
            "perpetrator_summary",
            "submitted_on",
            "qa_outcome",
            "qa_outcome_on",
            "resubmitted_on",
            "published_on",
            "published_url",
            "closed_on",
        ]
        error_messages = {
            "pseudonym": {"required": "Enter the pseudonym"},
            "year": {"required": "Enter the year"},
            "csp_area": {"required": "Select the Community Safety Partnership area"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, required) in CASE_DATES.items():
            self.fields[name] = date_field(label, required=required, past=name in CASE_DATES_PAST)
        for name in ("decision_rationale", "victim_summary", "perpetrator_summary"):
            self.fields[name].widget.attrs["rows"] = 4

    def validate_unique(self):
        try:
            self.instance.validate_unique()
        except ValidationError:
            self.add_error("pseudonym", "A case with this pseudonym and year already exists")


class ExtensionForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Record extension"
    new_due_on = date_field("New due date")
    agreed_on = date_field("Date agreed")

    class Meta:
        model = Extension
        fields = ["milestone", "new_due_on", "agreed_on", "reason"]
        error_messages = {"reason": {"required": "Enter the reason for the extension"}}


class PanelMemberForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Add to panel"

    class Meta:
        model = PanelMember
        fields = ["name", "organisation", "organisation_name", "role_on_panel"]

    def clean(self):
        data = super().clean()
        if not (data.get("name") or data.get("organisation") or data.get("organisation_name")):
            raise ValidationError("Enter a name or an organisation")
        return data


class RelatedReviewForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Add related review"

    class Meta:
        model = RelatedReview
        fields = ["kind", "reference", "notes"]


class RecommendationForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save recommendation"

    class Meta:
        model = Recommendation
        fields = ["number", "level", "text", "organisation"]

    def __init__(self, *args, case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def clean_number(self):
        number = self.cleaned_data["number"]
        if self.case.recommendations.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Recommendation {number} already exists for this case")
        return number

    def clean(self):
        data = super().clean()
        if data.get("level") == Recommendation.Level.AGENCY and not data.get("organisation"):
            self.add_error("organisation", "Select the agency a single-agency recommendation is for")
        return data


class AgencyActionForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save action"
    set_on = date_field("Date set")
    due_on = date_field("Due date")

    class Meta:
        model = AgencyAction
        fields = ["organisation", "owner", "action", "set_on", "due_on"]

    def clean(self):
        data = super().clean()
        if data.get("set_on") and data.get("due_on") and data["due_on"] < data["set_on"]:
            self.add_error("due_on", "The due date must be on or after the date the action was set")
        return data


class ActionUpdateForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save update"
    given_on = date_field("Date of the update")
    completed_on = date_field("Date completed", required=False, help_text="Only when the action is complete.")

    class Meta:
        model = ActionUpdate
        fields = ["given_on", "text", "status"]
        error_messages = {"text": {"required": "Enter the update"}, "status": {"required": "Select the status"}}

    def clean(self):
        data = super().clean()
        if data.get("status") == AgencyAction.Status.COMPLETE and not data.get("completed_on"):
            self.add_error("completed_on", "Enter the date the action was completed")
        return data


class EscalationForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Record escalation"
    escalated_on = date_field("Date escalated")

    class Meta:
        model = Escalation
        fields = ["action", "escalated_on", "escalated_to", "reason", "outcome"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = AgencyAction.objects.filter(recommendation__case=case).select_related(
            "organisation"
        )
        self.fields["action"].required = False


class CaseCostForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Add cost"
    incurred_on = date_field("Date incurred")

    class Meta:
        model = CaseCost
        fields = ["kind", "description", "amount", "incurred_on"]
        labels = {"amount": "Amount (£)"}
        error_messages = {
            "amount": {"required": "Enter the amount", "invalid": "Enter the amount in pounds, like 1250.00"}
        }


class FundingYearForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Add funding year"

    class Meta:
        model = FundingYear
        fields = ["starts_in", "notes"]
        labels = {"starts_in": "Financial year starting in"}


class FundingContributionForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save contribution"

    class Meta:
        model = FundingContribution
        fields = ["organisation", "amount_agreed", "amount_received"]
        labels = {"amount_agreed": "Amount agreed (£)", "amount_received": "Amount received so far (£)"}

    def __init__(self, *args, funding_year, **kwargs):
        self.funding_year = funding_year
        super().__init__(*args, **kwargs)

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if self.funding_year.contributions.filter(organisation=organisation).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"{organisation} already has a contribution for {self.funding_year}")
        return organisation


class LessonEventForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save event"
    held_on = date_field("Date held")

    class Meta:
        model = LessonEvent
        fields = ["title", "kind", "held_on", "audience", "attendance", "cases", "notes"]
        widgets = {"cases": forms.CheckboxSelectMultiple}


class TimescaleRuleForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save timescale"

    class Meta:
        model = TimescaleRule
        fields = ["months", "counted_from", "guidance"]


class DocumentForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Upload"
    upload = forms.FileField(label="File", help_text="A PDF or Word document (.docx), up to 20 MB.")

    class Meta:
        model = CaseDocument
        fields = ["title"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.checked = check_upload(upload)
        return self.checked.file


class PublicationForm(GdsFormMixin, forms.Form):
    submit_label = "Save"
    listed = forms.TypedChoiceField(
        label="List this review on the public 'Published reviews' page?",
        choices=[("yes", "Yes: show the pseudonym, year, publication date and report"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Nothing else about the case becomes public.",
    )
    report = forms.FileField(
        label="Published report (PDF, optional)",
        required=False,
        help_text="Upload the published report if there is no link to it.",
    )

    def clean_report(self):
        report = self.cleaned_data.get("report")
        if not report:
            return report
        self.checked = check_upload(report)
        if self.checked.kind != "pdf":
            raise ValidationError("The published report must be a PDF")
        return self.checked.file


class AgendaLinkForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save"

    class Meta:
        model = AgendaLink
        fields = ["cases", "include_update_paper"]
        widgets = {"cases": forms.CheckboxSelectMultiple}
