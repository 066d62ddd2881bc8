"""The one date field every form uses: GOV.UK's date input (day, month and year boxes) and its error messages.

GOV.UK Design System, "Date input" and its error messages (design-system.service.gov.uk/components/date-input):
    nothing typed              "Enter the date of the meeting"            (the field's `required` message)
    a part missing             "Date of the meeting must include a month"   (that part highlighted)
    not numbers / impossible   "Date of the meeting must be a real date"    (the part that is wrong highlighted)
    a two-digit year           "Date of the meeting must include a year with 4 numbers"  (never the year 27)
    a year out of range        "Date of the meeting must be between 2000 and 2036"       (the year highlighted)
    a rule on today            "... must be today or in the past" / "... must be today or in the future"
Python's own messages ("day is out of range for month") never reach the page.

The boxes post as `<name>_day`, `<name>_month`, `<name>_year` and have the ids `id_<name>_day` …; the error
summary links to the first box that is wrong (kcsp.forms.error_anchor reads `error_parts`).
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy

PARTS = ("day", "month", "year")
DIGITS = re.compile(r"[0-9]+")
FIRST_YEAR = 2000  # the partnership's records start after 2000; a question reaching further back says so
YEARS_AHEAD = 10


class GovDateWidget(forms.MultiWidget):
    """Three labelled numeric boxes in a govuk-date-input; the parts named day, month, year."""

    template_name = "kcsp/widgets/gov_date.html"  # in kcsp/templates: the form renderer reads app templates only

    def __init__(self, attrs=None):
        def box(width: int, label: str) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                    "label": label,
                }
            )

        super().__init__({"day": box(2, "Day"), "month": box(2, "Month"), "year": box(4, "Year")}, attrs)
        self.error_parts: tuple[str, ...] = ()

    def get_context(self, name, value, attrs):
        """Each box's label out of its attributes; a wrong part gets govuk-input--error (crispy or not)."""
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        for part, sub in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            if id_:
                sub["attrs"]["id"] = f"{id_}_{part}"
            sub["label"] = sub["attrs"].pop("label", part.title())
            classes = sub["attrs"].get("class", "").split()
            if part in self.error_parts and "govuk-input--error" not in classes:
                sub["attrs"]["class"] = " ".join([*classes, "govuk-input--error"])
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovDateField(forms.MultiValueField):
    """A date typed in three boxes, checked to GOV.UK's rules; cleans to a `datetime.date` (or None if optional).

    Arguments beyond a Field's:
      first_year, last_year: the years the question allows (defaults FIRST_YEAR and today's year + YEARS_AHEAD;
        `last_year` may be a callable, read at validation, so "ten years from today" stays true);
      past / future: True when the rule says the date must be today or earlier / today or later;
      name: how messages name the date (default the label), e.g. "Date of the meeting".
    """

    widget = GovDateWidget

    def __init__(
        self,
        *,
        first_year: int = FIRST_YEAR,
        last_year=None,
        past: bool = False,
        future: bool = False,
        name: str | None = None,
        **kwargs,
    ):
        self.first_year, self._last_year, self.past, self.future = first_year, last_year, past, future
        self.name = name
        fields = tuple(forms.CharField(required=False) for _ in PARTS)  # crispy-forms-gds reads each part's widget
        kwargs.setdefault("error_messages", {})
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    @property
    def last_year(self) -> int:
        last = self._last_year() if callable(self._last_year) else self._last_year
        return last if last is not None else timezone.localdate().year + YEARS_AHEAD

    def _called(self) -> str:
        name = self.name or str(self.label or "The date")
        return name[0].upper() + name[1:]

    def _refuse(self, message: str, parts, code: str):
        self._mark(parts)
        raise ValidationError(message, code=code)

    def _mark(self, parts) -> None:
        """Highlight these parts (crispy-forms-gds puts govuk-input--error on a part whose widget has errors)."""
        self.widget.error_parts = tuple(parts)
        for part, field in zip(PARTS, self.fields, strict=True):
            field.widget.errors = ["wrong"] if part in parts else []

    def clean(self, value):
        self._mark(())
        if not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        value = self.to_python(list(value))  # typed text made safe (kcsp.forms.TypedTextMixin wraps to_python)
        typed = dict(zip(PARTS, (str(v if v is not None else "").strip() for v in value), strict=False))
        typed = {part: typed.get(part, "") for part in PARTS}
        if not any(typed.values()):
            if self.required:
                self._refuse(self.error_messages["required"], PARTS, "required")
            return None
        missing = [part for part in PARTS if not typed[part]]
        if missing:
            self._refuse(f"{self._called()} must include a {' and '.join(missing)}", missing, "incomplete")
        wrong = [part for part in PARTS if not DIGITS.fullmatch(typed[part])]
        if wrong:
            self._refuse(f"{self._called()} must be a real date", wrong, "invalid")
        day, month, year = (int(typed[part]) for part in PARTS)
        wrong = [part for part, bad in (("day", not 1 <= day <= 31), ("month", not 1 <= month <= 12)) if bad]
        if wrong:
            self._refuse(f"{self._called()} must be a real date", wrong, "invalid")
        if len(typed["year"]) != 4 or typed["year"].startswith("0"):
            self._refuse(f"{self._called()} must include a year with 4 numbers", ["year"], "year_digits")
        try:
            date = datetime.date(year, month, day)
        except ValueError:  # 31 in a 30-day month, 29 February in a common year: the day is what is wrong
            self._refuse(f"{self._called()} must be a real date", ["day"], "invalid")
        if not self.first_year <= year <= self.last_year:
            self._refuse(
                f"{self._called()} must be between {self.first_year} and {self.last_year}", ["year"], "year_range"
            )
        today = timezone.localdate()
        if self.past and date > today:
            self._refuse(f"{self._called()} must be today or in the past", PARTS, "past")
        if self.future and date < today:
            self._refuse(f"{self._called()} must be today or in the future", PARTS, "future")
        self.validate(date)
        self.run_validators(date)
        return date

    def compress(self, data_list):  # clean() builds the date itself; kept for MultiValueField's contract
        return None


def _example_hint() -> str:
    """GOV.UK's hint for a date, in this year (the year the form is shown in): "For example, 14 7 2026"."""
    return f"For example, 14 7 {timezone.localdate().year}"


example_hint = lazy(_example_hint, str)


def date_field(
    label: str,
    required: bool = True,
    help_text: str | None = None,
    **rules,
) -> GovDateField:
    """A GovDateField with the project's wording: "Enter the <label>" when nothing is typed.

    `rules` are GovDateField's: first_year, last_year, past, future, name."""
    return GovDateField(
        label=label,
        required=required,
        help_text=help_text if help_text is not None else example_hint(),
        error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}"},
        **rules,
    )
