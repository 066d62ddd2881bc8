"""Forms of the amendments to draft minutes: proposing new wording for a minute, and the clerk's decision."""

from django import forms
from django.core.validators import MaxLengthValidator

from kcsp.forms import GdsFormMixin

from .models import MinuteAmendment

MAX_TEXT = 50_000  # characters: longer than any minute, short of a pasted book

ACCEPT = "accept"
ACCEPT_BY_HAND = "accept_by_hand"
REJECT = "reject"


class AmendmentForm(GdsFormMixin, forms.ModelForm):
    """The wording proposed for a minute (opened with the minute's wording as it stands) and why."""

    submit_label = "Propose the amendment"

    class Meta:
        model = MinuteAmendment
        fields = ["proposed_text", "note"]
        labels = {"proposed_text": "The minute as you propose it should read", "note": "Why (optional)"}
        help_texts = {
            "proposed_text": "Change the wording below. The clerk sees what you changed and accepts or rejects it, "
            "with a reason.",
            "note": "For example: I said the funding was for two years, not three.",
        }
        widgets = {
            "proposed_text": forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"proposed_text": {"required": "Enter the wording you propose for the minute"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.validators.append(MaxLengthValidator(MAX_TEXT, f"Keep it under {MAX_TEXT:,} characters"))


class AmendmentDecisionForm(GdsFormMixin, forms.Form):
    """The clerk's decision on one proposed amendment: accept or reject, and why (required)."""

    submit_label = "Record the decision"
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you accept or reject the amendment",
            "invalid_choice": "Select whether you accept or reject the amendment",
        },
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Shown with the minutes beside the amendment, and sent to the person who proposed it.",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Give the reason for accepting or rejecting the amendment",
            "max_length": "Keep the reason under 5,000 characters",
        },
    )

    def __init__(self, *args, minute_changed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(ACCEPT, "Accept: the minute takes the proposed wording")]
        if minute_changed:
            choices = [
                (ACCEPT, "Accept: replace the minute's wording with the proposed wording"),
                (ACCEPT_BY_HAND, "Accept: I have already edited the minute by hand to include it"),
            ]
        self.fields["decision"].choices = [*choices, (REJECT, "Reject: the minute keeps its wording")]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for accepting or rejecting the amendment")
        return reason
