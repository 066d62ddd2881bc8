"""The search box and its filters, read from the query string."""

from django import forms

from kcsp.forms import TypedTextMixin

from .sources import SOURCES


class SearchForm(TypedTextMixin, forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False, strip=True)
    kind = forms.MultipleChoiceField(label="Show", required=False, widget=forms.CheckboxSelectMultiple)
    committee = forms.TypedChoiceField(label="Committee", required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(
        label="From", required=False, error_messages={"invalid": "Enter the 'from' date as a real date"}
    )
    date_to = forms.DateField(
        label="To", required=False, error_messages={"invalid": "Enter the 'to' date as a real date"}
    )

    def __init__(self, *args, committees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(source.kind, source.label) for source in SOURCES]
        self.fields["committee"].choices = [("", "All committees"), *((c.pk, c.name) for c in committees)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data

    @property
    def date_fields(self):
        return [self["date_from"], self["date_to"]]
