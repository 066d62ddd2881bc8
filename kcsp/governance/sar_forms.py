"""The form that asks for whom a subject-access package is made (the rules: kcsp.governance.subject_access)."""

from django import forms

from kcsp.forms import GdsFormMixin, NormalisedEmailField
from kcsp.models import Person

ONE_REQUIRED = "Choose a person from the directory or enter an e-mail address: a package needs one of them"


class SubjectAccessForm(GdsFormMixin, forms.Form):
    submit_label = "Make the package"
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Person in the directory",
        empty_label="Choose a person",
        help_text="Leave as it is if they are not in the directory and enter their e-mail address instead.",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    email = NormalisedEmailField(
        label="E-mail address (optional if you chose a person)",
        required=False,
        max_length=254,
        help_text="Finds their account and directory entries with this address. An address that matches nobody "
        "still makes a package, which says nothing was found.",
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.with_organisation().order_by("surname", "initials", "pk")
        self.fields["person"].label_from_instance = self.person_label

    @staticmethod
    def person_label(person: Person) -> str:
        parts = [person.display_name, person.job_title, person.organisation.label if person.organisation else ""]
        return ", ".join(part for part in parts if part)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("person") and not cleaned.get("email"):
            self.add_error("person", ONE_REQUIRED)
        return cleaned
