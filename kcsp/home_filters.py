"""The filters of the waiting lists (kcsp/home_lists.py): one GET form, the fields each list names, kept in the URL.

A value that is not offered is named on the page ("Select a committee from the list") and left out; the list is
then shown unfiltered by it, never a 500. Choices are narrowed to what the reader may open (`visible_choices`,
and for committees `access.committee_open`'s rule)."""

import datetime

from crispy_forms_gds.layout import Submit
from django import forms
from django.db.models import Q
from django.utils import timezone

from .forms import GdsFormMixin, visible_choices

# Where each filter reaches, by the list's model (app_label.ModelName).
COMMITTEE_PATHS = {
    "meetings.Meeting": "committee",
    "meetings.Pack": "meeting__committee",
    "meetings.Action": "minute__committee",
}
AREA_PATHS = {"dhr.Case": "csp_area", "dhr.AgencyAction": "recommendation__case__csp_area"}


def committees_open_to(user):
    """Committees whose business the user may know of at all (meetings.access.committee_open as a queryset)."""
    from meetings import access
    from meetings.models import Committee

    if access.is_staff(user):
        return Committee.objects.order_by("name")
    return Committee.objects.filter(Q(is_public=True) | Q(pk__in=access.member_committee_ids(user))).order_by("name")


class WaitingFilterForm(GdsFormMixin, forms.Form):
    """The filters of one waiting list; only the fields it names are kept (`names`)."""

    submit_label = "Filter"
    committee = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Any committee",
        error_messages={"invalid_choice": "Select a committee from the list"},
    )
    grant_year = forms.ModelChoiceField(
        label="Grant year",
        queryset=None,
        required=False,
        empty_label="Any year",
        error_messages={"invalid_choice": "Select a grant year from the list"},
    )
    priority = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Any priority",
        error_messages={"invalid_choice": "Select a priority from the list"},
    )
    area = forms.ChoiceField(
        label="Community Safety Partnership area",
        choices=(),
        required=False,
        error_messages={"invalid_choice": "Select an area from the list"},
    )
    overdue = forms.BooleanField(label="Only those already overdue", required=False)

    def __init__(self, *args, names, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [name for name in self.fields if name not in names]:
            del self.fields[name]
        if "committee" in self.fields:
            self.fields["committee"].queryset = committees_open_to(self.viewer)
        if "grant_year" in self.fields:
            from grants.models import GrantYear

            self.fields["grant_year"].queryset = GrantYear.objects.order_by("-year")
        if "priority" in self.fields:
            from agreement.models import Priority

            from .financial_year import year_and_quarter

            year = year_and_quarter(timezone.localdate())[0]
            self.fields["priority"].queryset = Priority.objects.filter(agreement__year=year).order_by("position")
            self.fields["priority"].label_from_instance = lambda priority: f"{priority.position}. {priority.name}"
        if "area" in self.fields:
            from dhr.models.cases import CSP_AREAS

            self.fields["area"].choices = [("", "Any area"), *CSP_AREAS]
        visible_choices(self, self.viewer)
        self.helper.form_method = "get"
        self.helper.inputs = [Submit("filter", self.submit_label, css_class="govuk-button--secondary")]

    def apply(self, rows, today: datetime.date):
        """`rows` narrowed by each valid filter (an invalid one is left out, and named on the page)."""
        data = getattr(self, "cleaned_data", {})
        label = rows.model._meta.label
        if data.get("committee") and label in COMMITTEE_PATHS:
            rows = rows.filter(**{COMMITTEE_PATHS[label]: data["committee"]})
        if data.get("grant_year"):
            rows = rows.filter(grant_year=data["grant_year"])
        if data.get("priority"):
            rows = rows.filter(priority=data["priority"])
        if data.get("area") and label in AREA_PATHS:
            rows = rows.filter(**{AREA_PATHS[label]: data["area"]})
        if data.get("overdue") and label == "meetings.Committee":
            from meetings.models import TermsOfReference

            rows = rows.filter(
                Q(tor_agreed_on__isnull=True) | Q(tor_agreed_on__lt=today - TermsOfReference.REVIEW_INTERVAL)
            )
        return rows
