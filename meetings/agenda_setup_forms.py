"""Forms for a committee's agenda layout and a DHR item's public title."""

from django import forms

from kcsp.forms import GdsFormMixin

from .agenda_print import section_headings
from .models import AgendaItem, CommitteeSection, StandardItem

LETTERS = [(chr(code), chr(code)) for code in range(ord("A"), ord("Z") + 1)]


class CommitteeSectionForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save section"
    letter = forms.ChoiceField(
        choices=LETTERS,
        help_text="Sections print in letter order and items are coded by it (C4).",
        error_messages={"required": "Select the section's letter"},
    )

    class Meta:
        model = CommitteeSection
        fields = ["letter", "heading", "restricted"]
        labels = {"restricted": "Every item in this section is restricted"}
        help_texts = {"heading": "As the agenda prints it, for example: Matters for information"}
        error_messages = {"heading": {"required": "Enter the section's heading"}}


class StandardItemForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save standard item"
    section = forms.ChoiceField(label="Section", error_messages={"required": "Select the section of the agenda"})

    class Meta:
        model = StandardItem
        fields = ["section", "title", "kind", "is_notes_of_last_meeting"]
        labels = {"is_notes_of_last_meeting": "This is the notes of the last meeting"}
        help_texts = {
            "title": "For example: Declarations of Interest",
            "is_notes_of_last_meeting": 'Each new agenda titles it with the date of the last meeting: "Notes of '
            'meeting held on 24 March 2022", and the agenda pack prints the draft notes for approval.',
        }
        error_messages = {"title": {"required": "Enter the title of the standard item"}}

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.committee = committee
        self.fields["section"].choices = [
            (letter, f"{letter}. {heading}")
            for letter, (heading, restricted) in section_headings(committee).items()
            if not restricted
        ]


class PublicTitleForm(GdsFormMixin, forms.ModelForm):
    """Shown only behind the DHR gate (views/setup.py ItemPublicTitleView)."""

    submit_label = "Save public title"

    class Meta:
        model = AgendaItem
        fields = ["public_title"]
        help_texts = {
            "public_title": "Generic wording that names no case or person, for example 'Domestic Homicide Review "
            "update'. Leave blank to list the item as 'Restricted item'. The public agenda and front sheet print it."
        }
