"""The notification preferences form: one checkbox per kind of notice."""

from django import forms

from kcsp.forms import GdsFormMixin

from .kinds import CHOICES, KINDS, kinds_for


class PreferencesForm(GdsFormMixin, forms.Form):
    submit_label = "Save preferences"
    kinds = forms.MultipleChoiceField(
        label="Send me an e-mail when",
        choices=CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a notice to stop it. Every e-mail links back to this page.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(kind, KINDS[kind]) for kind in kinds_for(self.viewer)]
