"""Forms for committee business; each validates and says clearly what is wrong."""

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kcsp import roles
from kcsp.forms import GdsFormMixin

from . import access
from .models import (
    Action,
    AgendaItem,
    Committee,
    Declaration,
    Erratum,
    Meeting,
    Membership,
    Minute,
    OfficeTerm,
    Paper,
    TermsOfReference,
)
from .uploads import check_upload

UPLOAD_ERRORS = {
    "required": "Select a file",
    "empty": "The selected file is empty.",
    "invalid": "The selected file could not be read: try uploading it again.",
}


def date_field(label: str, required: bool = True, help_text: str = "For example, 14 7 2022") -> DateInputField:
    field = DateInputField(label=label, required=required, help_text=help_text)
    field.error_messages.update(required=f"Enter the {label.lower()}", incomplete=f"Enter the {label.lower()} in full")
    return field


class EndAfterStartMixin:
    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return data


class CommitteeForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save committee"

    class Meta:
        model = Committee
        fields = [
            "name",
            "short_name",
            "slug",
            "parent",
            "frequency",
            "quorum_count",
            "quorum_basis",
            "is_public",
            "resolution_wording",
            "resolution_label_style",
        ]
        error_messages = {
            "resolution_wording": {
                "required": 'Enter how the minutes introduce a decision, for example "RESOLVED that"'
            }
        }


class OfficeTermForm(EndAfterStartMixin, GdsFormMixin, forms.ModelForm):
    submit_label = "Save term of office"
    starts_on = date_field("Start date")
    ends_on = date_field("End date", required=False, help_text="Leave blank if the term has no fixed end.")

    class Meta:
        model = OfficeTerm
        fields = ["person", "office", "starts_on", "ends_on"]


class TermsOfReferenceForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save this version"
    agreed_on = date_field("Date agreed")

    class Meta:
        model = TermsOfReference
        fields = ["agreed_on", "summary_of_changes", "text"]
        help_texts = {"summary_of_changes": "What changed from the last version, for example the membership list."}

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.committee = committee

    def clean_agreed_on(self):
        agreed_on = self.cleaned_data["agreed_on"]
        if TermsOfReference.objects.filter(committee=self.instance.committee, agreed_on=agreed_on).exists():
            raise ValidationError("A version agreed on this date already exists: edit the terms of reference date")
        return agreed_on


class MembershipForm(EndAfterStartMixin, GdsFormMixin, forms.ModelForm):
    submit_label = "Save membership"
    starts_on = date_field("Start date")
    ends_on = date_field("End date", required=False, help_text="Leave blank while the membership continues.")

    class Meta:
        model = Membership
        fields = ["person", "organisation", "kind", "starts_on", "ends_on"]


MEETING_RECORD_FIELDS = ("date", "time", "venue_kind", "venue")  # printed in the heading of its signed minutes


class MeetingForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save meeting"
    date = date_field("Date of the meeting")
    time = forms.TimeField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 10:00",
        error_messages={"required": "Enter the start time", "invalid": "Enter the start time like 10:00"},
    )

    class Meta:
        model = Meeting
        fields = ["committee", "date", "time", "venue_kind", "venue", "contact_name", "contact_phone", "contact_email"]
        error_messages = {"contact_name": {"required": "Enter the name of the contact officer"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            local = timezone.localtime(self.instance.starts_at)
            self.initial.update(date=local.date(), time=local.time())
            self.fields["committee"].disabled = True
            if self.instance.minutes_signed_at is not None:
                for name in MEETING_RECORD_FIELDS:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Part of the signed minutes: it cannot change."

    def clean(self):
        data = super().clean()
        if self.fields["date"].disabled:
            return data  # the signed minutes say when the meeting was held
        if data.get("date") and data.get("time"):
            self.instance.starts_at = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        return data


class AgendaItemForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save item"

    class Meta:
        model = AgendaItem
        fields = ["section", "title", "kind", "purpose", "description", "restriction_reason", "restriction_note"]
        labels = {"restriction_reason": "Why is it restricted?", "restriction_note": "Note on the restriction"}
        help_texts = {
            "restriction_reason": (
                "A restricted item, its title and its papers are never shown to the press and public. Restricted "
                "items usually go in section D, but an item in another section can be restricted too (for example "
                "at the end of section C, listed under 'Restricted items'). Items in section D must be restricted."
            ),
            "restriction_note": "Required when the reason is 'Other'. Shown only to those who may see the item.",
        }
        error_messages = {"title": {"required": "Enter the title of the item"}}

    def clean(self):
        """Section D is the home of restricted items: an item there needs a reason; anywhere else it may have one."""
        data = super().clean()
        reason = data.get("restriction_reason", "")
        if data.get("section") == AgendaItem.Section.RESTRICTED and not access.is_restricted(reason):
            self.add_error(
                "restriction_reason",
                "Select why the item is restricted: items in section D are restricted (or move it to another section)",
            )
        if reason == AgendaItem.RestrictionReason.OTHER and not data.get("restriction_note"):
            self.add_error("restriction_note", "Explain why the item is restricted")
        if data.get("restriction_note") and not access.is_restricted(reason):
            self.add_error(
                "restriction_note",
                "A note is only for a restricted item: select why it is restricted, or clear the note",
            )
        return data


class WrittenPaperForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save paper"

    class Meta:
        model = Paper
        fields = ["subject", "authors", "addressed_to", "classification", "summary", "recommendations", "contact"]
        error_messages = {"subject": {"required": "Enter the subject of the paper"}}


class UploadedPaperForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Upload paper"
    upload = forms.FileField(label="Paper (PDF or Word .docx, up to 20 MB)", error_messages=UPLOAD_ERRORS)

    class Meta:
        model = Paper
        fields = ["subject", "authors", "classification", "upload"]
        error_messages = {"subject": {"required": "Enter the subject of the paper"}}

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.checked = check_upload(upload)
        return self.checked.file


class AppendixForm(GdsFormMixin, forms.Form):
    submit_label = "Add appendix"
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the title of the appendix"})
    upload = forms.FileField(label="Appendix (PDF or Word .docx, up to 20 MB)", error_messages=UPLOAD_ERRORS)

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.checked = check_upload(upload)
        return self.checked.file


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


class PackWithdrawForm(GdsFormMixin, forms.Form):
    submit_label = "Withdraw the pack"
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        help_text="Officers see this on the meeting's packs panel, and it is kept in the pack's record. "
        "Readers are told only that the pack has been withdrawn while it is corrected.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are withdrawing the pack"},
    )


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
