"""Forms of the chair's agreement (meetings/chair_agreement.py): send with a note, agree what was read, return with
comments, take back."""

from django import forms

from kcsp.forms import GdsFormMixin

NOT_IN_EMAIL = (
    "It is e-mailed to the {who} and kept in the meeting's history: name no Domestic Homicide Review business in it."
)


def _text(label: str, *, required: bool, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=help_text,
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be 2000 characters or fewer",
        },
    )


class SendToChairForm(GdsFormMixin, forms.Form):
    submit_label = "Send to the chair"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"] = _text(
            "Note for the chair (optional)", required=False, help_text=NOT_IN_EMAIL.format(who="chair")
        )


class ReturnToOfficerForm(GdsFormMixin, forms.Form):
    submit_label = "Return with comments"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comments"] = _text(
            "Comments for the officer", required=True, help_text=NOT_IN_EMAIL.format(who="officer who sent it")
        )


class TakeBackForm(GdsFormMixin, forms.Form):
    submit_label = "Take the agenda back"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = _text(
            "Why you are taking it back (optional)",
            required=False,
            help_text="Kept in the meeting's history, which officers and chairs read.",
        )


class AgreeForm(GdsFormMixin, forms.Form):
    """Agree the agenda as the page showed it: `seen` is its fingerprint (chair_agreement.agenda_fingerprint)."""

    submit_label = "Agree the agenda"
    seen = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": "The agenda you read is not known: open the agenda again before agreeing it"},
    )
