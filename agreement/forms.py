"""Forms for the action plan: lists typed one per line, timescales checked."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kcsp.financial_year import financial_year
from kcsp.forms import GdsFormMixin
from kcsp.models import Organisation

from .models import ActionPlan, PlanItem, PlanVersion, ProgressUpdate


class LinesField(forms.CharField):
    """A list of strings edited as one line each."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip(" •-\t") for line in (value or "").splitlines() if line.strip(" •-\t")]


SUMMARY_HIDDEN = ("measures", "timescale", "lead_organisations", "lead_text")


class PlanItemForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save item"
    actions = LinesField(required=False, help_text="One action per line.")
    measures = LinesField(label="Measures or outcomes", required=False, help_text="One measure per line.")
    lead_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Lead organisations",
    )

    class Meta:
        model = PlanItem
        fields = [
            "priority",
            "category",
            "category_other",
            "objective",
            "actions",
            "measures",
            "timescale",
            "lead_organisations",
            "lead_text",
            "themes",
            "linked_groups",
            "grant_funded",
            "is_new",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple}
        error_messages = {"objective": {"required": "Enter the objective or planned outcome"}}

    def __init__(self, *args, version: PlanVersion, **kwargs):
        super().__init__(*args, **kwargs)
        agreement = version.plan.agreement
        self.fields["priority"].queryset = agreement.priorities.all()
        self.fields["priority"].required = False
        self.fields["priority"].empty_label = f"No priority ({PlanItem.NO_PRIORITY})"
        self.fields[
            "priority"
        ].help_text = f"An item that serves no single priority is printed in the plan's '{PlanItem.NO_PRIORITY}' table."
        self.fields["themes"].queryset = agreement.themes.all()
        self.fields["themes"].required = False
        self.fields["themes"].label = "Cross-cutting themes"
        if version.plan.layout == ActionPlan.Layout.SUMMARY:  # older plans: no timescale, measures or item lead
            for name in SUMMARY_HIDDEN:
                del self.fields[name]

    def clean_priority(self):
        priority = self.cleaned_data.get("priority")
        if priority is not None and priority.agreement_id != self.instance.version.plan.agreement_id:
            raise ValidationError("Select one of this year's priorities")
        return priority

    def clean_timescale(self):
        text = " ".join(self.cleaned_data["timescale"].split())
        try:
            PlanItem.parse_timescale(text)
        except ValueError as error:
            raise ValidationError("Enter the timescale as a month and year, like March 2023, or as Ongoing") from error
        return "Ongoing" if text.lower() == "ongoing" else text.title() if text else ""

    def clean(self):
        data = super().clean()
        if data.get("category") == PlanItem.Category.OTHER and not data.get("category_other"):
            self.add_error("category_other", "Enter the other category, or choose one from the list")
        return data


class ProgressUpdateForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Add update"

    class Meta:
        model = ProgressUpdate
        fields = ["year", "quarter", "status", "narrative", "internal"]
        widgets = {"quarter": forms.RadioSelect, "status": forms.RadioSelect}
        labels = {"year": "Financial year starting in"}
        help_texts = {"year": "For example 2022 for 2022/23."}
        error_messages = {"narrative": {"required": "Describe the progress made this quarter"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("year", financial_year(today))
        self.fields["status"].error_messages["required"] = "Select the RAG status"
        self.fields["quarter"].error_messages["required"] = "Select the quarter"


class PlanImportForm(GdsFormMixin, forms.Form):
    submit_label = "Check the sheet"
    sheet = forms.FileField(
        label="Spreadsheet (.xlsx or .csv) in the columns of the plan export",
        error_messages={"required": "Select a spreadsheet", "empty": "The selected file is empty."},
    )

    def __init__(self, *args, version: PlanVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version

    def clean_sheet(self):
        from .imports import check_rows, read_sheet

        upload = self.cleaned_data["sheet"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError("The selected file must be smaller than 5 MB.")
        self.rows = check_rows(self.version, read_sheet(upload, self.version.plan))
        return upload
