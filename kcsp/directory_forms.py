"""The directory's forms: an organisation and a person, as officers add and correct them (GOV.UK pattern)."""

from django import forms

from .forms import GdsFormMixin
from .identifiers import charity_number_clean, company_number_clean, initials_clean, local_authority_code_clean
from .models import Organisation, Person

IDENTIFIERS = {
    "charity_number": charity_number_clean,
    "company_number": company_number_clean,
    "local_authority_code": local_authority_code_clean,
}


class OrganisationForm(GdsFormMixin, forms.ModelForm):
    """The rules (a name not already recorded, identifiers in their register's form) are kcsp.directory's."""

    submit_label = "Save organisation"

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "org_type", "charity_number", "company_number", "local_authority_code"]
        labels = {
            "name": "Name",
            "short_name": "Short name (optional)",
            "kind": "Is it a responsible authority?",
            "org_type": "Type of organisation",
            "charity_number": "Registered charity number (optional)",
            "company_number": "Companies House company number (optional)",
            "local_authority_code": "Local-authority code (optional)",
        }
        help_texts = {
            "name": "As the papers name it, for example Kent Fire and Rescue Service.",
            "kind": "The responsible authorities under the Crime and Disorder Act 1998 count towards the quorum.",
            "charity_number": "6 or 7 digits, from the Charity Commission for England and Wales, for example 1089464.",
            "company_number": "8 characters, for example 01234567 or SC123456. Leading zeros are added for you.",
            "local_authority_code": "3 or 4 letters from the Local Authorities in England register, for example KEN.",
        }
        error_messages = {
            "name": {
                "required": "Enter the organisation's name",
                "unique": "An organisation with this name is already recorded",
                "max_length": "The name must be 200 characters or fewer",
            },
            "kind": {"required": "Select whether it is a responsible authority"},
            "org_type": {"required": "Select the type of organisation"},
        }
        widgets = {"kind": forms.RadioSelect, "org_type": forms.RadioSelect}

    def clean(self):
        """Each identifier checked here too (kcsp.identifiers), so its rule shows beside any other error."""
        data = super().clean()
        for name, clean in IDENTIFIERS.items():
            if name in data:
                try:
                    data[name] = clean(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Organisation.Kind.choices  # no blank choice among the radios
        self.fields["org_type"].choices = Organisation.OrgType.choices
        for name in ("charity_number", "company_number", "local_authority_code"):
            self.fields[name].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})


class PersonForm(GdsFormMixin, forms.ModelForm):
    """A person named as the papers name them: "Ms S Brinson", "T/Supt T Cook", "Mr A Smith OBE"."""

    submit_label = "Save person"

    class Meta:
        model = Person
        fields = ["title", "forenames", "initials", "surname", "post_nominals", "job_title", "organisation", "email"]
        labels = {
            "title": "Title (optional)",
            "forenames": "First names (optional)",
            "initials": "Initials (optional)",
            "surname": "Surname",
            "post_nominals": "Letters after the name (optional)",
            "job_title": "Job title (optional)",
            "organisation": "Organisation (optional)",
            "email": "E-mail address (optional)",
        }
        help_texts = {
            "title": "As the papers print it, for example Mr, Ms, Cllr, Dr or T/Supt.",
            "forenames": "Used where a paper names its author in full.",
            "initials": "Letters only, for example S or AJ: the papers print Ms S Brinson.",
            "post_nominals": "For example OBE or QPM.",
            "job_title": "Printed as their role in the attendance list, for example Community Safety Manager.",
        }
        error_messages = {
            "surname": {"required": "Enter the person's surname"},
            "email": {"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
            "organisation": {"invalid_choice": "Select an organisation from the list"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.organisation_id
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(is_active=True) | Organisation.objects.filter(pk=current)
        field.empty_label = "No organisation"
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_initials(self):
        return initials_clean(self.cleaned_data["initials"])  # checked here too, so it shows beside other errors
