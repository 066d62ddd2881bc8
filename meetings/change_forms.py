"""Forms of the pages that change a meeting: reschedule, postpone or cancel (with a reason), arrange a replacement."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kcsp.dates import date_field
from kcsp.forms import GdsFormMixin

from .forms import end_time_field, start_and_end
from .models import Meeting


def reason_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Members and those who sent apologies are told this, and it is shown on the meeting's page to "
        "everyone who may see the meeting (the public, once its agenda was published): name no restricted business.",
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class ReasonForm(GdsFormMixin, forms.Form):
    """Postpone or cancel: the reason is required and goes to the members."""

    def __init__(self, *args, reason_label: str = "Reason", submit_label: str = "Confirm", **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
        self.fields["reason"] = reason_field(reason_label)


class NewTimeAndPlaceMixin(GdsFormMixin, forms.Form):
    """Date, start and end time and venue of a meeting's new occasion; `starts_at`/`ends_at` once clean."""

    date = date_field("New date of the meeting")
    time = forms.TimeField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 10:00",
        error_messages={"required": "Enter the start time", "invalid": "Enter the start time like 10:00"},
    )
    end_time = end_time_field()
    venue_kind = forms.ChoiceField(label="Venue", choices=Meeting.Venue.choices)
    venue = forms.CharField(
        label="Room or link",
        max_length=300,
        required=False,
        help_text="For example: Council Chamber, Sessions House, Maidstone.",
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            try:
                data["starts_at"], data["ends_at"] = start_and_end(data)
            except ValidationError as error:
                self.add_error(None, error)
                return data
            if data["starts_at"] <= timezone.now():
                self.add_error("date", "The new date and time must be in the future")
        return data


def time_and_place_initial(meeting: Meeting) -> dict:
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends)
    return {
        "date": starts.date(),
        "time": starts.time(),
        "end_time": ends.time(),
        "venue_kind": meeting.venue_kind,
        "venue": meeting.venue,
    }


class RescheduleForm(NewTimeAndPlaceMixin):
    submit_label = "Reschedule the meeting"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = reason_field("Why the meeting is moving")


class ReplacementForm(NewTimeAndPlaceMixin):
    submit_label = "Create the replacement meeting"
    contact_name = forms.CharField(
        label="Ask for",
        max_length=150,
        help_text="The contact officer for this meeting.",
        error_messages={"required": "Enter the name of the contact officer"},
    )
    contact_phone = forms.CharField(label="Telephone", max_length=40, required=False)
    contact_email = forms.EmailField(label="E-mail", required=False)


class PublishForm(GdsFormMixin, forms.Form):
    """Publish the agenda. For a meeting whose date has passed (its agenda entered after the event) the officer may
    give the date the agenda was really published; blank publishes it now. A future meeting's has no date."""

    def __init__(self, *args, meeting: Meeting, submit_label: str = "Publish the agenda", **kwargs):
        self.submit_label = submit_label
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        if meeting.starts_at <= timezone.now():
            example = meeting.date - datetime.timedelta(days=8)
            self.fields["published_on"] = date_field(
                "Date the agenda was published (if it was published before it was entered here)",
                required=False,
                help_text=f"Leave blank to publish it today. For example, {example:%-d %-m %Y}",
                name="The date the agenda was published",
            )

    def clean_published_on(self):
        published_on = self.cleaned_data.get("published_on")
        if published_on is None:  # nothing typed (a date typed in part is refused by the field, never "now")
            return None
        if published_on > timezone.localdate():
            raise ValidationError("The date the agenda was published must be today or in the past")
        if published_on > self.meeting.date:
            raise ValidationError(
                "The date the agenda was published must be on or before the meeting's date "
                f"({self.meeting.date:%-d %B %Y})"
            )
        return published_on
