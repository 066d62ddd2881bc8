"""Forms for the agreement itself: its year and period, priorities, cross-cutting themes and the plan's settings."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from kcsp.forms import GdsFormMixin
from kcsp.models import Organisation

from .models import ActionPlan, Agreement, Priority, Theme
from .structure_services import agreement_period_check, year_label


class AgreementForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save agreement"

    class Meta:
        model = Agreement
        fields = ["year", "title", "period_starts", "period_years"]
        labels = {"year": "Financial year starting in"}
        help_texts = {"title": "As the partnership writes it, for example Kent Community Safety Agreement 2023/24."}
        error_messages = {
            "year": {"required": "Enter the year the agreement's financial year starts in, like 2023"},
            "title": {"required": "Enter the agreement's title"},
            "period_years": {"required": "Enter the length of the period in years, like 1 or 3"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].help_text = "For example 2023 for 2023/24."
        self.fields["year"].min_value = 2000

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError("Enter a year between 2000 and 2100, like 2023")
        if Agreement.objects.filter(year=year).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"There is already an agreement for {year_label(year)}")
        return year

    def clean(self):
        data = super().clean()
        if data.get("year") and data.get("period_years"):
            try:
                agreement_period_check(
                    year=data["year"], period_starts=data.get("period_starts"), period_years=data["period_years"]
                )
            except ValidationError as error:
                self.add_error("period_starts", error)
        return data

    def validate_constraints(self, exclude=None):
        """The period rules are checked in clean() with the partnership's words, not the database's names."""


class PriorityForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save priority"
    lead_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.active(), required=False, label="Lead organisation"
    )

    class Meta:
        model = Priority
        fields = ["name", "lead", "lead_organisation", "aim"]
        error_messages = {"name": {"required": "Enter the priority's name"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.lead_organisation_id  # kept on offer if since retired, so the priority can be edited
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(Q(is_active=True) | Q(pk=current))

    def validate_constraints(self, exclude=None):
        """Positions are given by the service."""


class ThemeForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save theme"

    class Meta:
        model = Theme
        fields = ["name"]
        error_messages = {"name": {"required": "Enter the theme's name"}}

    def validate_constraints(self, exclude=None):
        """Positions are given by the service."""


class ActionPlanForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save"

    class Meta:
        model = ActionPlan
        fields = ["numbering", "layout"]
        widgets = {"numbering": forms.RadioSelect, "layout": forms.RadioSelect}
        help_texts = {
            "numbering": "Changing it renumbers the draft's items.",
            "layout": "The older summary layout has no timescale or measures and gives the lead once per priority.",
        }
        error_messages = {
            "numbering": {"required": "Select how the plan's items are numbered"},
            "layout": {"required": "Select the plan's layout"},
        }
