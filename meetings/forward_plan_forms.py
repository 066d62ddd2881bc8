"""Forms of the forward plan: an entry, its withdrawal, its move, and the section it takes on an agenda."""

import datetime

from django import forms
from django.utils import timezone

from kcsp.forms import GdsFormMixin
from kcsp.models import Person

from . import access
from .agenda_print import section_headings
from .forward_plan import DHR_WORDS, NOT_AHEAD, default_section, month_start, next_month
from .models import AgendaItem, ForwardPlanEntry, Meeting

MONTHS_BACK, MONTHS_AHEAD = 3, 36
NO_MEETING = "No meeting arranged yet: choose the month below"


def month_choices(keep: datetime.date | None = None) -> list[tuple[str, str]]:
    """Months offered for an entry with no meeting: from three months ago to three years ahead (and `keep`, an
    entry's saved month, wherever it lies), as ("2022-11-01", "November 2022")."""
    month = month_start(timezone.localdate())
    for _ in range(MONTHS_BACK):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    months = []
    for _ in range(MONTHS_BACK + MONTHS_AHEAD + 1):
        months.append(month)
        month = next_month(month)
    if keep is not None and keep not in months:
        months = sorted([*months, keep])
    return [("", "Choose a month"), *((m.isoformat(), f"{m:%B %Y}") for m in months)]


def meetings_ahead(committee):
    """The committee's meetings an entry may be expected at: those not yet held, cancelled or postponed, in date
    order."""
    return Meeting.objects.filter(committee=committee).exclude(status__in=NOT_AHEAD).order_by("starts_at")


class ForwardPlanEntryForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save entry"
    month = forms.TypedChoiceField(
        label="Expected month",
        required=False,
        coerce=datetime.date.fromisoformat,
        empty_value=None,
        help_text="Only when no meeting is arranged yet: the entry is suggested on the draft agenda of the first "
        "meeting after the month begins.",
        error_messages={"invalid_choice": "Select a month from the list"},
    )

    class Meta:
        model = ForwardPlanEntry
        fields = [
            "title",
            "purpose",
            "lead_person",
            "lead_text",
            "expected_meeting",
            "month",
            "restriction_reason",
            "restriction_note",
            "title_withheld",
            "notes",
        ]
        labels = {"expected_meeting": "Expected meeting"}
        help_texts = {
            "restriction_reason": "Leave as 'Not restricted' for business open to the press and public. Domestic "
            "Homicide Review business is never planned here: the DHR-cleared group adds it to the agenda itself.",
            "restriction_note": "Required when the reason is 'Other'. Shown only to officers.",
            "title_withheld": "A restricted entry's title is published on the forward plan unless you withhold it; "
            "the public then reads only 'Restricted item'.",
        }
        widgets = {"purpose": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "title": {"required": "Enter the title of the item"},
            "expected_meeting": {"invalid_choice": "Select a meeting from the list"},
            "lead_person": {"invalid_choice": "Select a lead officer from the list"},
            "restriction_reason": {"invalid_choice": "Select why the item is restricted from the list"},
        }

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.committee = committee
        self.fields["expected_meeting"].queryset = meetings_ahead(committee)
        self.fields["expected_meeting"].empty_label = NO_MEETING
        self.fields["lead_person"].queryset = Person.objects.with_organisation()
        self.fields["lead_person"].empty_label = "Not in the list: type the lead below"
        self.fields["purpose"].choices = ForwardPlanEntry.Purpose.choices
        saved_month = self.instance.expected_month if self.instance.pk else None
        self.fields["month"].choices = month_choices(saved_month)
        if self.instance.pk and not self.instance.expected_meeting_id:
            self.initial["month"] = saved_month.isoformat()

    def clean(self):
        data = super().clean()
        meeting, month = data.get("expected_meeting"), data.get("month")
        if meeting and month:
            self.add_error("month", "Choose either a meeting or a month, not both")
        elif not meeting and not month and "month" not in self.errors:
            self.add_error("expected_meeting", "Choose the meeting it is expected at, or the month below")
        if not data.get("lead_person") and not data.get("lead_text"):
            self.add_error("lead_text", "Choose the lead officer from the list, or type who leads on it")
        reason = data.get("restriction_reason", "")
        if DHR_WORDS.search(data.get("title") or ""):
            self.add_error(
                "title",
                "Domestic Homicide Review business is not planned in the forward plan: only the DHR-cleared group "
                "adds DHR items, on the agenda itself",
            )
        if reason == AgendaItem.RestrictionReason.OTHER and not data.get("restriction_note"):
            self.add_error("restriction_note", "Explain why the item is restricted")
        if data.get("restriction_note") and not access.is_restricted(reason):
            self.add_error("restriction_note", "A note is only for a restricted entry: select why it is restricted")
        if data.get("title_withheld") and not access.is_restricted(reason):
            self.add_error(
                "title_withheld", "Only a restricted entry's title can be withheld: select why it is restricted"
            )
        self.instance.expected_month = month
        return data


class WithdrawForm(GdsFormMixin, forms.Form):
    submit_label = "Withdraw the entry"
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        max_length=500,
        help_text="Kept with the entry on the officers' forward plan; not published.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the entry is being withdrawn"},
    )


class MoveForm(GdsFormMixin, forms.Form):
    submit_label = "Move the entry"
    meeting = forms.ModelChoiceField(
        label="Which meeting is it now expected at?",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=NO_MEETING,
        error_messages={"invalid_choice": "Select a meeting from the list"},
    )
    month = forms.TypedChoiceField(
        label="Expected month",
        required=False,
        coerce=datetime.date.fromisoformat,
        empty_value=None,
        error_messages={"invalid_choice": "Select a month from the list"},
    )
    reason = forms.CharField(
        label="Why is it moving? (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, entry: ForwardPlanEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings_ahead(entry.committee)
        self.fields["month"].choices = month_choices()

    def clean(self):
        data = super().clean()
        meeting, month = data.get("meeting"), data.get("month")
        if meeting and month:
            self.add_error("month", "Choose either a meeting or a month, not both")
        elif not meeting and not month and "month" not in self.errors:
            self.add_error("meeting", "Choose the meeting it is now expected at, or the month")
        return data


class AcceptForm(GdsFormMixin, forms.Form):
    submit_label = "Add to the agenda"
    section = forms.ChoiceField(
        label="Which section of the agenda?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the section", "invalid_choice": "Choose a section from the list"},
    )

    def __init__(self, *args, entry: ForwardPlanEntry, **kwargs):
        super().__init__(*args, **kwargs)
        restricted = entry.is_restricted
        self.fields["section"].choices = [  # the committee's own sections; restricted-only ones for restricted entries
            (letter, f"{letter}. {heading}")
            for letter, (heading, only_restricted) in section_headings(entry.committee).items()
            if letter != AgendaItem.Section.COMMITTEE_BUSINESS and (restricted or not only_restricted)
        ]
        self.fields["section"].initial = default_section(entry)
