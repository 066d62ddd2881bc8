"""Forms of the minutes: a minute, its place and first number, declarations, actions, approval and errata."""

from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from kcsp import roles
from kcsp.dates import date_field
from kcsp.forms import GdsFormMixin

from . import access
from .models import (
    Action,
    AgendaItem,
    Declaration,
    Erratum,
    Meeting,
    Minute,
)

ITEM_NOT_OFFERED = (
    "Select one of the agenda items listed. Minutes and declarations of Domestic Homicide Review items are "
    "written only by officers who are DHR-cleared and have entered their code."
)


def items_to_record(meeting: Meeting, user):
    """The items of this meeting a user may write minutes and declarations on (kcsp.roles.may_write_dhr_records)."""
    items = AgendaItem.objects.visible_to(user).filter(meeting=meeting)
    return items if roles.may_write_dhr_records(user) else items.exclude(access.dhr_q())


class DeclarationForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Record declaration"

    class Meta:
        model = Declaration
        fields = ["person", "item", "interest_kind", "interest"]
        labels = {"item": "Agenda item (leave blank for the meeting as a whole)"}
        help_texts = {
            "interest_kind": (
                "A pecuniary or other disqualifying interest: the person takes no part in the item and leaves its "
                "quorum, which counts organisations (a colleague from the same organisation who is present still "
                "counts for it). Declared for the meeting as a whole, it takes them out of every item's quorum. "
                "An other interest is recorded in the minutes; the person stays, takes part and counts."
            )
        }
        widgets = {"interest_kind": forms.RadioSelect}
        error_messages = {"interest": {"required": "Describe the interest and how it relates to the item"}}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items_to_record(meeting, self.viewer)
        self.fields["item"].error_messages["invalid_choice"] = ITEM_NOT_OFFERED
        self.fields["person"].error_messages["required"] = "Select the person declaring the interest"


AT_THE_END = "end"
FIRST = "first"


class MinuteForm(GdsFormMixin, forms.ModelForm):
    """A minute as the clerk writes it; on a new minute, where it goes among the meeting's minutes."""

    submit_label = "Save minute"
    preview_label = "Preview"

    class Meta:
        model = Minute
        fields = ["item", "title", "text", "approves_minutes_of"]
        labels = {"item": "Agenda item", "approves_minutes_of": "This minute agrees the minutes of"}
        widgets = {"text": forms.Textarea(attrs={"rows": 16, "spellcheck": "true"})}
        error_messages = {"title": {"required": "Enter the title of the minute"}}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.inputs.insert(0, Submit("preview", self.preview_label, css_class="govuk-button--secondary"))
        self.meeting = meeting
        item = self.fields["item"]
        item.queryset = items_to_record(meeting, self.viewer)
        item.required = False
        item.empty_label = "None: a procedural minute (for example, who took the chair)"
        item.error_messages["invalid_choice"] = ITEM_NOT_OFFERED
        earlier = self.fields["approves_minutes_of"]
        earlier.queryset = (
            Meeting.objects.filter(
                committee_id=meeting.committee_id, starts_at__lt=meeting.starts_at, minutes__isnull=False
            )
            .distinct()
            .select_related("committee")
        )
        earlier.required = False
        earlier.empty_label = "No earlier meeting's minutes"
        earlier.error_messages["invalid_choice"] = "Select an earlier meeting of this committee that has minutes"
        if self.instance.pk is None:
            others = list(meeting.minutes.order_by("number").values_list("pk", "number", "title"))
            choices = [(AT_THE_END, "At the end")]
            if others:
                choices.append((FIRST, f"First, before minute {others[0][1]}"))
                choices += [(str(pk), f"After minute {number}: {title[:80]}") for pk, number, title in others[:-1]]
            self.fields["position"] = forms.ChoiceField(
                label="Where does it go?",
                choices=choices,
                initial=AT_THE_END,
                required=False,
                error_messages={"invalid_choice": "Select where the minute goes among this meeting's minutes"},
            )

    def placement(self) -> dict:
        """Keyword arguments for meetings.minuting.minute_add: where the new minute goes."""
        chosen = self.cleaned_data.get("position") or AT_THE_END
        if chosen == FIRST:
            return {"first": True}
        if chosen == AT_THE_END:
            return {}
        after = self.meeting.minutes.filter(pk=int(chosen)).first()
        if after is None:
            raise ValidationError("The minute you chose to put it after has been deleted: choose again")
        return {"after": after}


class MinutesStartForm(GdsFormMixin, forms.Form):
    submit_label = "Save the first number"
    start = forms.IntegerField(
        label="Number of the first minute of this meeting",
        required=False,
        min_value=1,
        max_value=999_999,
        help_text="Leave blank to follow on from the committee's previous meeting.",
        error_messages={
            "invalid": "Enter the number as a whole number, for example 51",
            "min_value": "The number of the first minute must be 1 or more",
            "max_value": "The number of the first minute must be 999999 or less",
        },
    )


class ActionForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save action"
    due_on = date_field("Due date")

    class Meta:
        model = Action
        fields = ["text", "owner", "due_on", "status", "progress"]
        error_messages = {"text": {"required": "Describe the action"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].error_messages["required"] = "Select who owns the action"
        minute = getattr(self.instance, "minute", None) if self.instance.minute_id else None
        if minute is not None and minute.meeting.minutes_signed_at is not None:
            for name in ("text", "owner", "due_on"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Part of the signed minutes: it cannot change."
            if self.instance.status != Action.Status.OPEN:  # followed up until closed (minuting.action_save)
                for name in ("status", "progress"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "The action was closed after the minutes were signed."


class MinutesApprovalForm(GdsFormMixin, forms.Form):
    submit_label = "Approve and sign the minutes"
    at_meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Meeting that agreed them as a correct record",
        error_messages={
            "required": "Select the meeting that agreed the minutes",
            "invalid_choice": "Select a later meeting of this committee that has been held",
        },
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        from .signing import approving_meetings

        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = approving_meetings(meeting)


class ErratumForm(GdsFormMixin, forms.ModelForm):
    """An erratum to signed minutes (meetings/errata.py holds the rules); the minute choices are the meeting's
    minutes the signatory may read."""

    submit_label = "Sign and record the erratum"
    made_on = date_field("Date of the erratum")

    class Meta:
        model = Erratum
        fields = ["minute", "text", "reason", "made_on"]
        labels = {"minute": "Minute corrected", "text": "Correction", "reason": "Why the correction is made"}
        help_texts = {
            "minute": "Leave blank for a correction to the minutes as a whole.",
            "text": "As it will show beside the signed minutes, for example: Minute 53, paragraph 2: for “2021” "
            "read “2022”.",
        }
        error_messages = {
            "text": {"required": "Enter the correction"},
            "reason": {"required": "Enter why the correction is made"},
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minute"].queryset = Minute.objects.visible_to(self.viewer).filter(meeting=meeting)
        self.fields["minute"].empty_label = "The minutes as a whole"
        self.fields["minute"].error_messages["invalid_choice"] = "Choose one of this meeting's minutes, or none"
        self.fields["text"].widget.attrs["rows"] = 4
        self.fields["reason"].widget.attrs["rows"] = 3
