"""Forms for chairs' and vice-chairs' terms of office (the rules are meetings/office_terms.py's)."""

from django import forms

from kcsp.dates import date_field
from kcsp.forms import GdsFormMixin
from kcsp.models import Person

from .forms import EndAfterStartMixin
from .models import OfficeTerm


class OfficeTermForm(EndAfterStartMixin, GdsFormMixin, forms.ModelForm):
    submit_label = "Save term of office"
    starts_on = date_field(
        "Start date", help_text="For example, 1 6 2022. A new term starts the day after the last ends."
    )
    ends_on = date_field(
        "Planned end date (optional)",
        required=False,
        help_text="Usually about two years on, for example 31 5 2024. Leave blank if the term has no fixed end.",
    )

    class Meta:
        model = OfficeTerm
        fields = ["person", "office", "starts_on", "ends_on"]
        labels = {"person": "Who holds the office", "office": "Office"}
        error_messages = {
            "person": {"required": "Select who holds the office"},
            "office": {"required": "Select the office"},
        }
        widgets = {"office": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = OfficeTerm.Office.choices
        self.fields["person"].queryset = Person.objects.with_organisation().order_by("surname", "initials", "pk")
        self.fields["person"].empty_label = "Choose a person"
        self.fields["person"].help_text = "Not listed? Add them to the directory first (Directory, People)."


class OfficeTermEndForm(GdsFormMixin, forms.Form):
    """The day a term ends; `opened_ends_on` carries its end date when the page was opened (office_term_end)."""

    submit_label = "End the term"
    ends_on = date_field("Last day in office")
    opened_ends_on = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, term: OfficeTerm, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        self.initial.setdefault("opened_ends_on", term.ends_on)

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < self.term.starts_on:
            raise forms.ValidationError(
                f"The last day in office must be the same as or after the start of the term, "
                f"{self.term.starts_on:%-d %B %Y}"
            )
        return ends_on
