"""The retention schedule's, legal holds' and disposal review's forms (GOV.UK pattern); the rules are the
services' (kcsp.governance.services, kcsp.governance.lists)."""

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator

from kcsp.datamap import RETENTION_KEYS
from kcsp.forms import GdsFormMixin
from kcsp.roles import dpo_sees_dhr

from .models import Action, RetentionRule, Trigger
from .services import REASON_LENGTH, SOURCE_LENGTH, _allowed, is_dhr_key

OBJECT_ID_MAX = 2**63 - 1


class RuleForm(GdsFormMixin, forms.ModelForm):
    """One rule; triggers and actions narrowed to those its record type allows."""

    submit_label = "Save rule"

    class Meta:
        model = RetentionRule
        fields = ["period_months", "trigger", "action", "source", "confirm_with_dpo"]
        labels = {
            "period_months": "Period in months",
            "trigger": "The period runs from",
            "action": "At the end of the period",
            "source": "Source (the law or guidance the rule follows)",
            "confirm_with_dpo": "To confirm with your DPO",
        }
        help_texts = {
            "period_months": "72 is six years. Leave blank when the action is keep permanently.",
            "confirm_with_dpo": "Tick while the data protection officer has not confirmed this rule.",
        }
        error_messages = {
            "period_months": {
                "invalid": "Enter the period as a whole number of months, like 72",
                "min_value": "Enter a period of at least 1 month",
            },
            "trigger": {"required": "Select the date the period runs from"},
            "action": {"required": "Select what happens at the end of the period"},
            "source": {"required": "Enter the law or guidance the rule follows, or “to confirm with your DPO”"},
        }
        widgets = {"trigger": forms.RadioSelect, "action": forms.RadioSelect, "source": forms.Textarea({"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        triggers, actions = _allowed(self.instance.record_type)
        self.fields["trigger"].choices = [(value, Trigger(value).label) for value in triggers]
        self.fields["action"].choices = [(value, Action(value).label) for value in actions]
        self.fields["period_months"].widget.attrs.update({"inputmode": "numeric", "class": "govuk-input--width-4"})
        self.fields["period_months"].error_messages["max_value"] = "Enter a period of 1200 months (100 years) or fewer"
        self.fields["period_months"].validators.append(MaxValueValidator(1200))
        self.fields["source"].validators.append(
            MaxLengthValidator(SOURCE_LENGTH, f"Source must be {SOURCE_LENGTH} characters or fewer")
        )


def record_type_choices(user) -> list[tuple[str, str]]:
    """The record types a hold may be placed on by `user`: DHR ones only for a DPO who sees DHR."""
    sees_dhr = dpo_sees_dhr(user)
    return [(key, label) for key, label in RETENTION_KEYS.items() if sees_dhr or not is_dhr_key(key)]


class HoldForm(GdsFormMixin, forms.Form):
    submit_label = "Place legal hold"

    record_type = forms.ChoiceField(
        label="Record type",
        error_messages={"required": "Select the record type", "invalid_choice": "Select the record type from the list"},
    )
    object_id = forms.IntegerField(
        label="Record number",
        help_text=(
            "The number in the record's address, for example 42 in /meetings/42/. For records kept by month "
            "(sign-in records, notices sent, the DHR access log) the month, like 202403 for March 2024."
        ),
        min_value=1,
        max_value=OBJECT_ID_MAX,
        error_messages={
            "required": "Enter the record's number",
            "invalid": "Enter the record's number as a whole number, like 42",
            "min_value": "Enter a record number of 1 or more",
            "max_value": "Enter a record number that exists",
        },
    )
    reason = forms.CharField(
        label="Why must the record be kept?",
        help_text="For example a claim, an inquiry or a request under the Freedom of Information Act.",
        widget=forms.Textarea({"rows": 4}),
        max_length=REASON_LENGTH,
        error_messages={
            "required": "Enter why the record must be kept",
            "max_length": f"Reason must be {REASON_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", "Select a record type"), *record_type_choices(self.viewer)]
        self.fields["object_id"].widget.attrs.update({"inputmode": "numeric", "class": "govuk-input--width-10"})


class LiftForm(GdsFormMixin, forms.Form):
    submit_label = "Lift legal hold"

    lift_reason = forms.CharField(
        label="Why is the hold lifted?",
        widget=forms.Textarea({"rows": 3}),
        max_length=REASON_LENGTH,
        error_messages={
            "required": "Enter why the hold is lifted",
            "max_length": f"Reason must be {REASON_LENGTH} characters or fewer",
        },
    )


class KeepForm(GdsFormMixin, forms.Form):
    submit_label = "Keep this record"

    note = forms.CharField(
        label="Why is the record kept?",
        help_text="It will not be listed for disposal again.",
        max_length=300,
        error_messages={
            "required": "Enter why the record is kept",
            "max_length": "Note must be 300 characters or fewer",
        },
    )


class ApproveForm(GdsFormMixin, forms.Form):
    """The confirmation page's POST: the candidates shown, as hidden fields."""

    submit_label = "Approve disposal"

    candidate = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput, choices=())
    # "yes" from this page; the list's "Approve selected" posts without it and gets this page (no change)
    confirm = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [(c.pk, c.pk) for c in candidates]
        self.fields["candidate"].error_messages.update(
            {
                "required": "Select at least one record",
                "invalid_choice": "A record you selected is not on this list: reload the list and try again",
            }
        )
