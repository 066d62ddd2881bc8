"""Forms for the grant year, bids and their steps; money is entered in pounds and pence."""

import copy
from decimal import Decimal

from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from agreement.models import PlanItem, PlanVersion, Priority
from kcsp.dates import date_field
from kcsp.forms import GdsFormMixin, TypedTextMixin
from kcsp.models import Organisation
from meetings.uploads import check_upload

from .models import Bid, GrantYear, Pot
from .workflow import Step

MONEY_ERRORS = {
    "invalid": "Enter an amount in pounds and pence, like 1250 or 1250.50",
    "max_decimal_places": "Enter an amount with no more than two decimal places (pence)",
    "max_digits": "Enter an amount smaller than £100,000,000",
    "max_whole_digits": "Enter an amount smaller than £100,000,000",
    "min_value": "Enter an amount of £0 or more",
}


def _money_fields(form, *names: str) -> None:
    for name in names:
        field = form.fields[name]
        field.error_messages.update(MONEY_ERRORS)
        field.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})
        field.label = f"{field.label} (£)"


POT_MODEL_CHOICES = [
    ("split", "Split: an up-front allocation and a tactical pot for issues that emerge in-year"),
    ("one", "One pot: the whole grant is allocated together"),
]
FINAL_APPROVAL_CHOICES = [
    ("commissioner", "The Commissioner, after the chair has approved"),
    ("chair", "The chair: the chair's approval is final"),
]


class GrantYearForm(GdsFormMixin, forms.ModelForm):
    """A grant year as its round is run: one pot or the split, and whose approval is final. The tactical
    pot is asked for only when the grant is split (a one-pot year has none, and nothing is invented)."""

    submit_label = "Save grant year"

    pot_model = forms.ChoiceField(
        label="How is the grant held?",
        choices=POT_MODEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the grant is split or held in one pot"},
    )
    final_approval = forms.ChoiceField(
        label="Who gives final approval to a bid?",
        choices=FINAL_APPROVAL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whose approval is final"},
    )

    class Meta:
        model = GrantYear
        fields = ["year", "amount_granted", "tactical_pot", "refunds_received", "rolled_over"]
        error_messages = {
            "year": {
                "required": "Enter the year the financial year starts",
                "unique": "That grant year already exists",
            },
            "amount_granted": {"required": "Enter the amount granted"},
        }

    field_order = ["year", "amount_granted", "pot_model", "tactical_pot", "final_approval"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_fields(self, "amount_granted", "tactical_pot", "refunds_received", "rolled_over")
        self.fields["tactical_pot"].required = False
        self.fields[
            "tactical_pot"
        ].help_text = "Only when the grant is split: up to a third of the grant, kept for emerging issues in-year."
        year = self.instance
        if year.pk:
            self.fields["year"].disabled = True
            self.initial.setdefault("pot_model", "split" if year.has_tactical_pot else "one")
            self.initial.setdefault("final_approval", "commissioner" if year.commissioner_step else "chair")
            if not year.has_tactical_pot:
                self.initial["tactical_pot"] = None

    def clean(self):
        """A tactical pot only when the split is on; figures may change in-year, but never below what the
        chair has already approved from a pot."""
        cleaned = super().clean()
        split = cleaned.get("pot_model") == "split"
        tactical = cleaned.get("tactical_pot")
        if cleaned.get("pot_model") == "one" and tactical:
            self.add_error(
                "tactical_pot", "A grant held in one pot has no tactical pot: leave it blank, or choose the split"
            )
        elif split and tactical is None and "tactical_pot" not in self.errors:
            self.add_error("tactical_pot", "Enter the tactical pot, or choose one pot")
        if "pot_model" in cleaned:
            self.instance.has_tactical_pot = split
            if not split:
                cleaned["tactical_pot"] = Decimal("0.00")
        if "final_approval" in cleaned:
            self.instance.commissioner_step = cleaned["final_approval"] == "commissioner"
        if self.instance.pk is None or self.errors:
            return cleaned
        from .budget import pot_figures

        proposed = copy.copy(self.instance)
        for name in ("amount_granted", "tactical_pot", "refunds_received", "rolled_over"):
            setattr(proposed, name, cleaned.get(name, getattr(proposed, name)))
        for pot, figures in pot_figures(GrantYear.objects.get(pk=self.instance.pk)).items():
            if proposed.pot_size(pot) < figures.drawn:
                field = "tactical_pot" if pot == "tactical" else "amount_granted"
                self.add_error(
                    field,
                    f"The {figures.label.lower()} would hold £{proposed.pot_size(pot):,.2f}, less than the "
                    f"£{figures.drawn:,.2f} already approved from it",
                )
        return cleaned

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError("Enter a year between 2000 and 2100")
        return year


class BidForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save draft"

    class Meta:
        model = Bid
        fields = [
            "title",
            "description",
            "applicant_organisation",
            "contact_name",
            "contact_email",
            "priority",
            "plan_item",
            "pot",
            "amount_requested",
            "total_cost",
            "match_funding",
            "match_funding_source",
        ]
        widgets = {"pot": forms.RadioSelect}
        error_messages = {
            "title": {"required": "Enter the project title"},
            "description": {"required": "Describe the project"},
            "applicant_organisation": {"required": "Choose the applicant organisation"},
            "contact_name": {"required": "Enter the contact's name"},
            "contact_email": {
                "required": "Enter the contact's e-mail address",
                "invalid": "Enter an e-mail address in the correct format, like name@example.org",
            },
            "amount_requested": {"required": "Enter the amount requested"},
            "total_cost": {"required": "Enter the total project cost"},
        }

    def __init__(self, *args, grant_year: GrantYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.grant_year = grant_year
        _money_fields(self, "amount_requested", "total_cost", "match_funding")
        current = self.instance.applicant_organisation_id  # a draft's applicant stays on offer if since retired
        self.fields["applicant_organisation"].queryset = Organisation.objects.filter(Q(is_active=True) | Q(pk=current))
        self.fields["priority"].queryset = Priority.objects.visible_to(self.viewer).filter(
            agreement__year=grant_year.year
        )
        self.fields["priority"].help_text = f"From the {grant_year.label} Community Safety Agreement."
        if not self.fields["priority"].queryset.exists():
            self.fields["priority"].help_text = (
                f"There is no published Community Safety Agreement for {grant_year.label}, so no priority can be "
                "chosen: leave this blank."
            )
        self.fields["plan_item"].queryset = self._plan_items(grant_year, self.viewer)
        self.fields["plan_item"].help_text = "If the project delivers an item of the action plan."
        self.fields["description"].help_text = "What the project will do, for whom, and how success will be measured."
        self.fields["match_funding_source"].help_text = "For example: the Violence Reduction Unit meets the rest."
        if not grant_year.has_tactical_pot:
            del self.fields["pot"]  # one pot: every bid draws on it (Bid.pot stays up-front)
            self.instance.pot = Pot.UPFRONT

    @staticmethod
    def _plan_items(grant_year: GrantYear, user):
        """The current draft's items for those who may see drafts; the latest published version's for others."""
        versions = (
            PlanVersion.objects.visible_to(user)
            .filter(plan__agreement__year=grant_year.year)
            .order_by("-status", "-number")
        )
        version = versions.filter(status=PlanVersion.Status.DRAFT).first() or versions.first()
        if version is None:
            return PlanItem.objects.none()
        return PlanItem.objects.filter(version=version, retired=False).select_related("priority", "version__plan")


class StepForm(GdsFormMixin, forms.Form):
    """The one form every workflow step uses: a reason, plus spend and outcomes when a project completes."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2000)

    def __init__(self, *args, step: Step, bid: Bid, minutes=None, **kwargs):
        self.submit_label = step.label
        super().__init__(*args, **kwargs)
        if minutes is not None:
            self.fields["decided_at_minute"] = MinuteChoiceField(queryset=minutes, required=False)
        self.step = step
        self.fields["reason"].label = step.reason_label
        self.fields["reason"].required = step.reason_required
        self.fields["reason"].error_messages["required"] = (
            f"Enter {step.reason_label[0].lower()}{step.reason_label[1:]}"
        )
        self.fields["reason"].error_messages["max_length"] = "Keep it under 2,000 characters"
        if step.target == Bid.Status.COMPLETED:
            self.fields["actual_spend"] = forms.DecimalField(
                label="Actual spend",
                max_digits=10,
                decimal_places=2,
                min_value=Decimal("0"),
                max_value=bid.amount_requested,
                help_text=f"No more than the £{bid.amount_requested:,.2f} approved.",
                error_messages={
                    **MONEY_ERRORS,
                    "required": "Enter the actual spend",
                    "max_value": f"The actual spend cannot be more than the £{bid.amount_requested:,.2f} approved",
                },
            )
            self.fields["outcomes"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="One outcome per line, for example: 55 people trained.",
                error_messages={"required": "Enter the outcomes, for example '55 people trained'"},
            )
        if step.dated and (step.action != "submit" or self.viewer.has_perm("grants.manage_grant")):
            self.fields["decided_on"] = date_field(
                step.dated,
                required=False,
                help_text="Leave blank if it was taken today. For example, 14 7 2020",
                name=step.dated.split(" (")[0],  # "Date decided must be a real date", without the brackets
            )
        self.bid = bid
        if step.warning:
            self.helper.inputs = [Submit("submit", step.label, css_class="govuk-button--warning")]

    def clean_decided_on(self):
        """Optional: a date typed in part is an error (never "today"); the rules are services.step_date_check's."""
        from .services import step_date_check

        decided_on = self.cleaned_data.get("decided_on")
        if decided_on is None:  # nothing typed: today (a date typed in part is refused by the field)
            return None
        step_date_check(bid=self.bid, step=self.step, user=self.viewer, decided_on=decided_on)
        return decided_on


class MinuteChoiceField(forms.ModelChoiceField):
    """A minute named as the papers cite it: 'Minute 57, KCSP 24 March 2022: Crime Reduction Grant'."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "The minute that decided it (optional)")
        kwargs.setdefault("help_text", "From the partnership's meetings. You can add it later on the bid.")
        kwargs.setdefault("empty_label", "Not chosen")
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = "Choose a minute from the list"

    def label_from_instance(self, minute):
        return f"Minute {minute.number}, {minute.committee.label} {minute.meeting.starts_at:%-d %B %Y}: {minute.title}"


class BidMinuteForm(GdsFormMixin, forms.ModelForm):
    """The bid page's link from a decided bid to the minute and resolution that decided it."""

    submit_label = "Save the minute"

    class Meta:
        model = Bid
        fields = ["decided_at_minute"]
        field_classes = {"decided_at_minute": MinuteChoiceField}

    def __init__(self, *args, minutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_at_minute"].queryset = minutes
        self.fields["decided_at_minute"].label = "The minute that decided it"
        self.fields[
            "decided_at_minute"
        ].help_text = "From the partnership's meetings. Choose 'Not chosen' to remove the link."


class ChairDecisionForm(TypedTextMixin, forms.Form):
    """One action per bid in the chair's queue: approve or reject, with an optional comment."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, bid: Bid, **kwargs):
        super().__init__(*args, prefix=f"bid-{bid.pk}", **kwargs)
        self.fields["comment"].label = f"Comment on {bid.reference} (optional)"
        self.fields["comment"].error_messages["max_length"] = "Keep the comment under 2,000 characters"
        self.fields["decision"].error_messages["required"] = "Choose approve or reject"
        self.fields["decision"].error_messages["invalid_choice"] = "Choose approve or reject"


class AttachmentForm(GdsFormMixin, forms.Form):
    submit_label = "Upload"
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title for the attachment"})
    file = forms.FileField(
        help_text="A PDF or Word document (.docx), up to 20 MB.",
        error_messages={"required": "Choose a file to upload", "empty": "The selected file is empty."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked = check_upload(upload)
        return self.checked.file


class TacticalLockForm(GdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the tactical pot locked?",
        max_length=300,
        help_text="For example: the Commissioner closed access to the tactical pot on 25 February 2022.",
        error_messages={"required": "Enter why the tactical pot is locked"},
    )

    def __init__(self, *args, **kwargs):
        self.submit_label = "Lock the tactical pot"
        super().__init__(*args, **kwargs)
