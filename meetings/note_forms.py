"""The form of a member's own note, edited from "My notes" (the rules are meetings/annotations.py's)."""

from django import forms

from kcsp.forms import GdsFormMixin

from .annotations import NOTE_MAX


class NoteForm(GdsFormMixin, forms.Form):
    submit_label = "Save note"
    note = forms.CharField(
        label="Your note",
        required=False,
        max_length=NOTE_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Only you can read it. Up to {NOTE_MAX} characters; leave it empty to keep just the highlight.",
        error_messages={"max_length": f"Your note must be {NOTE_MAX} characters or fewer"},
    )
