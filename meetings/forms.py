"""Forms for committee business; each validates and says clearly what is wrong."""

import datetime

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kcsp.dates import date_field
from kcsp.forms import GdsFormMixin

from . import access
from .agenda_print import section_headings
from .models import (
    AgendaItem,
    Committee,
    Meeting,
    Membership,
    Paper,
    TermsOfReference,
)
from .uploads import check_upload

UPLOAD_ERRORS = {
    "required": "Select a file",
    "empty": "The selected file is empty.",
    "invalid": "The selected file could not be read: try uploading it again.",
}


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
            "usual_length",
            "is_public",
            "resolution_wording",
            "resolution_label_style",
        ]
        error_messages = {
            "resolution_wording": {
                "required": 'Enter how the minutes introduce a decision, for example "RESOLVED that"'
            }
        }


class TermsOfReferenceForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save this version"
    agreed_on = date_field("Date agreed", past=True)

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
MEETING_MOVED_BY_RESCHEDULING = ("date", "time", "end_time", "venue_kind", "venue")


def end_time_field() -> forms.TimeField:
    return forms.TimeField(
        label="End time",
        required=False,
        help_text="Use the 24-hour clock, for example 12:00. Leave blank for the committee's usual length "
        "(two hours unless the committee says otherwise).",
        error_messages={"invalid": "Enter the end time like 12:00"},
    )


def start_and_end(data: dict) -> tuple:
    """(starts_at, ends_at) from a form's date, time and end time; ends_at None when no end time was given.
    Raises ValidationError on the end time when it is not after the start."""
    starts_at = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
    ends_at = None
    if data.get("end_time"):
        ends_at = timezone.make_aware(datetime.datetime.combine(data["date"], data["end_time"]))
        if ends_at <= starts_at:
            raise ValidationError({"end_time": "The end time must be after the start time"})
    return starts_at, ends_at


class MeetingForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save meeting"
    date = date_field("Date of the meeting")
    time = forms.TimeField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 10:00",
        error_messages={"required": "Enter the start time", "invalid": "Enter the start time like 10:00"},
    )
    end_time = end_time_field()

    class Meta:
        model = Meeting
        fields = [
            "committee",
            "date",
            "time",
            "end_time",
            "venue_kind",
            "venue",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        error_messages = {"contact_name": {"required": "Enter the name of the contact officer"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            local = timezone.localtime(self.instance.starts_at)
            self.initial.update(
                date=local.date(), time=local.time(), end_time=timezone.localtime(self.instance.ends).time()
            )
            self.fields["committee"].disabled = True
            if self.instance.minutes_signed_at is not None:
                for name in (*MEETING_RECORD_FIELDS, "end_time"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Part of the signed minutes: it cannot change."
            elif self.instance.status in ("published", "postponed", "cancelled"):
                for name in MEETING_MOVED_BY_RESCHEDULING:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = (
                        "The agenda is out: move the meeting with 'Reschedule the meeting', which tells the members "
                        "and rebuilds the packs."
                    )

    def clean(self):
        data = super().clean()
        if self.fields["date"].disabled:
            return data  # the signed minutes say when the meeting was held, or only rescheduling moves it
        if data.get("date") and data.get("time"):
            try:
                self.instance.starts_at, self.instance.ends_at = start_and_end(data)
            except ValidationError as error:
                self.add_error(None, error)
        return data


class AgendaItemForm(GdsFormMixin, forms.ModelForm):
    """An agenda item; its section one of its committee's (agenda_setup). A DHR item's public title is not here:
    only DHR-cleared users set it, on its own page (meetings/public_titles.py)."""

    submit_label = "Save item"
    section = forms.ChoiceField(error_messages={"required": "Select the section of the agenda"})
    restricted = forms.ChoiceField(
        label="Is the item restricted?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        required=False,  # a post without it (no radios drawn) is read from the reason, as before
        help_text=(
            "A restricted item's papers and minutes are never shown to the press and public. The public agenda "
            "lists its title under 'Restricted items' with the statement that the press and public are "
            "excluded, unless you withhold the title. It may sit in any section (for example at the end "
            "of section C); items in a restricted section (section D as a rule) must be restricted."
        ),
    )

    class Meta:
        model = AgendaItem
        fields = [
            "section",
            "title",
            "kind",
            "purpose",
            "description",
            "restriction_reason",
            "restriction_note",
            "title_withheld",
        ]
        labels = {"restriction_reason": "Why is it restricted?", "restriction_note": "Note on the restriction"}
        help_texts = {
            "restriction_note": "Required when the reason is 'Other'. Shown only to those who may see the item.",
        }
        error_messages = {"title": {"required": "Enter the title of the item"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        headings = section_headings(self.instance.meeting.committee)
        self.fields["section"].choices = [(letter, f"{letter}. {heading}") for letter, (heading, _) in headings.items()]
        self.fields["section"].label = "Section"
        reasons = [(value, label) for value, label in AgendaItem.RestrictionReason.choices if value]
        self.fields["restriction_reason"].choices = [("", "Select the reason"), *reasons]
        self.initial.setdefault("restricted", "yes" if self.instance.restriction_reason else "no")
        # GOV.UK conditional reveal: the reason, note and withheld title show under "Yes" (all shown without
        # JavaScript; what is under "No" is then ignored, and clean() checks the rest either way).
        self.helper.layout = Layout(
            "section",
            "title",
            "kind",
            "purpose",
            "description",
            ConditionalRadios(
                "restricted",
                ConditionalQuestion("Yes", "restriction_reason", "restriction_note", "title_withheld"),
                "No",
            ),
        )
        # The record lock's hidden version is added by the view after this layout; render hidden fields only:
        # ConditionalRadios does not mark "restricted" as drawn, so "unmentioned" fields would draw it twice.
        self.helper.render_hidden_fields = True

    def clean(self):
        """Restricted or not, answered by the radios; a restricted item needs its reason; a note or a withheld
        title only for a restricted item (the section rule is the service's). Under "No", the reason, note and
        withheld title (hidden by the reveal, perhaps still filled in) are ignored."""
        data = super().clean()
        answer = data.get("restricted")
        if answer == "no":
            data.update(restriction_reason="", restriction_note="", title_withheld=False)
            for name in ("restriction_reason", "restriction_note", "title_withheld"):
                setattr(self.instance, name, data[name])
        elif answer == "yes" and not data.get("restriction_reason") and "restriction_reason" not in self.errors:
            self.add_error("restriction_reason", "Select why the item is restricted")
        reason = data.get("restriction_reason", "")
        if reason == AgendaItem.RestrictionReason.OTHER and not data.get("restriction_note"):
            self.add_error("restriction_note", "Explain why the item is restricted")
        if data.get("restriction_note") and not access.is_restricted(reason):
            self.add_error(
                "restriction_note",
                "A note is only for a restricted item: select why it is restricted, or clear the note",
            )
        if data.get("title_withheld") and not access.is_restricted(reason):
            self.add_error(
                "title_withheld",
                "Only a restricted item's title can be withheld: select why it is restricted, or untick this",
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
