"""The notification preferences form: one checkbox per kind of notice."""

from django import forms

from kcsp.forms import GdsFormMixin

from .kinds import CHOICES


class PreferencesForm(GdsFormMixin, forms.Form):
    submit_label = "Save preferences"
    kinds = forms.MultipleChoiceField(
        label="Send me an e-mail when",
        choices=CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a notice to stop it. Every e-mail links back to this page.",
    )
