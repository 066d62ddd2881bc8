"""The search box and its filters, read from the query string."""

from django import forms

from kcsp.dates import date_field
from kcsp.forms import TypedTextMixin

from .sources import SOURCES


class SearchForm(TypedTextMixin, forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False, strip=True)
    kind = forms.MultipleChoiceField(
        label="Show",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )
    committee = forms.TypedChoiceField(label="Committee", required=False, coerce=int, empty_value=None)
    date_from = date_field("From", required=False, help_text="For example, 1 4 2022", name="The 'from' date")
    date_to = date_field("To", required=False, help_text="For example, 31 3 2023", name="The 'to' date")

    def __init__(self, *args, committees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(source.kind, source.label) for source in SOURCES]
        self.fields["committee"].choices = [("", "All committees"), *committees]  # (pk, name)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data

    @property
    def kind_options(self) -> list[tuple[str, str, str, bool]]:
        """The kind checkboxes as (id, value, label, checked), drawn by the template itself (the widget's own
        templates took a third of a cached results page's time)."""
        chosen = {str(value) for value in (self["kind"].value() or ())}
        return [
            (f"id_kind_{n}", value, label, value in chosen)
            for n, (value, label) in enumerate(self.fields["kind"].choices)
        ]

    @property
    def committee_options(self) -> list[tuple[object, str, bool]]:
        """The committee filter's options as (value, label, selected)."""
        chosen = str(self["committee"].value() or "")
        return [(value, label, str(value) == chosen) for value, label in self.fields["committee"].choices]

    @property
    def date_fields(self):
        return [self["date_from"], self["date_to"]]
