"""The form of a written paper's section: a heading and a body written in the papers' markup (kcsp/markup.py)."""

from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from kcsp.forms import GdsFormMixin

from .models import PaperSection

BODY_MAX_CHARS = 100_000  # about forty pages of a report: a longer section is a pasted document gone wrong


def body_check(body: str) -> str:
    """The one rule of a section's text, shared by the form and the preview: at most BODY_MAX_CHARS characters."""
    if len(body) > BODY_MAX_CHARS:
        raise ValidationError(
            f"A section can be at most {BODY_MAX_CHARS:,} characters (this one has {len(body):,}): "
            "split it into several sections"
        )
    return body


class SectionForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save section"

    class Meta:
        model = PaperSection
        fields = ["heading", "body"]
        labels = {"body": "Text"}
        widgets = {"body": forms.Textarea(attrs={"rows": 16, "data-markup-source": "", "spellcheck": "true"})}
        error_messages = {
            "heading": {"required": "Enter the heading of the section"},
            "body": {"required": "Enter the text of the section"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.add_input(Submit("preview", "Preview", css_class="govuk-button--secondary"))

    def clean_body(self):
        return body_check(self.cleaned_data["body"])


class SectionPreviewForm(GdsFormMixin, forms.Form):
    """What the live preview posts: the text as typed and the section's number (blank for a new section)."""

    body = forms.CharField(required=False, strip=False)
    position = forms.IntegerField(required=False, min_value=1, max_value=999)

    def clean_body(self):
        return body_check(self.cleaned_data["body"])
