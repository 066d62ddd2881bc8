"""Forms for performance indicators: an indicator, its retirement, the value grid and the values sheet."""

from django import forms
from django.core.exceptions import ValidationError

from kcsp.dates import date_field
from kcsp.forms import GdsFormMixin
from kcsp.locking import VERSION_FIELD

from .indicator_grid import Key, period_label, value_parse
from .models import Agreement, Indicator, IndicatorValue

MAX_UPLOAD = 5 * 1024 * 1024


class IndicatorForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save indicator"

    class Meta:
        model = Indicator
        fields = ["priority", "name", "unit", "frequency", "rule", "tolerance_percent", "source"]
        widgets = {"frequency": forms.RadioSelect, "rule": forms.RadioSelect}
        labels = {
            "name": "Indicator name",
            "rule": "Rule it is judged by",
            "tolerance_percent": "Tolerance (%)",
            "source": "Source of the figures",
        }
        help_texts = {
            "name": "As the performance report names it, for example Anti-social behaviour incidents recorded by "
            "Kent Police.",
            "unit": 'What a value counts, for example "incidents", "people", "%" or "rate per 1,000 population".',
            "frequency": "A quarterly indicator takes one value a quarter, in April, July, October and January.",
            "rule": "Each value is compared with the same period a year earlier.",
            "tolerance_percent": "A value further than this from the same period last year, as a percentage of last "
            "year's value, is flagged for the exception report. Exactly at the tolerance is not flagged.",
            "source": "For example Kent Police, or Safer Roads for Kent Partnership.",
        }
        error_messages = {
            "name": {"required": "Enter the indicator's name"},
            "unit": {"max_length": "The unit must be 50 characters or fewer"},
            "tolerance_percent": {
                "required": "Enter the tolerance as a percentage, like 10",
                "invalid": "Enter the tolerance as a number, like 10 or 7.5",
                "max_digits": "The tolerance must be less than 10,000 per cent",
                "max_decimal_places": "The tolerance can have 1 decimal place at most, like 7.5",
            },
        }

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = agreement.priorities.all()
        self.fields["priority"].empty_label = None if self.instance.pk else "Select a priority"
        self.fields["priority"].error_messages["required"] = "Select the priority the indicator measures"
        self.fields["unit"].required = True
        self.fields["unit"].error_messages["required"] = 'Enter the unit, for example "incidents", "people" or "%"'
        self.fields["rule"].error_messages["required"] = "Select the rule the indicator is judged by"
        self.fields["frequency"].error_messages["required"] = "Select how often the indicator is reported"

    def clean_tolerance_percent(self):
        tolerance = self.cleaned_data["tolerance_percent"]
        if tolerance is not None and tolerance < 0:
            raise ValidationError("The tolerance cannot be below 0%")
        return tolerance


class IndicatorValueForm(GdsFormMixin, forms.ModelForm):
    """One value of one indicator; a quarterly indicator's only on the first day of a quarter."""

    submit_label = "Add value"
    period_start = date_field("First day of the period", help_text="For example, 1 4 2022")

    class Meta:
        model = IndicatorValue
        fields = ["period_start", "value", "notes"]
        error_messages = {
            "value": {
                "required": "Enter the value",
                "invalid": "Enter the value as a number",
                "max_digits": "The value must be less than 10,000,000,000",
                "max_decimal_places": "The value can have at most 2 decimal places",
            },
            "notes": {"max_length": "The notes must be 300 characters or fewer"},
        }

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        self.fields["period_start"].error_messages.update(required="Enter the first day of the period")

    def clean_period_start(self):
        period = self.cleaned_data["period_start"]
        indicator = self.instance.indicator
        if not indicator.takes_period(period):
            raise ValidationError(
                "Enter the first day of a month, like 1 4 2022"
                if indicator.frequency == Indicator.Frequency.MONTHLY
                else "This indicator is quarterly: enter the first day of a quarter (1 April, 1 July, 1 October or "
                "1 January)"
            )
        if IndicatorValue.objects.filter(indicator=indicator, period_start=period).exists():
            raise ValidationError("There is already a value for this period")
        return period


class IndicatorRetireForm(GdsFormMixin, forms.Form):
    submit_label = "Retire indicator"
    reason = forms.CharField(
        label="Why is it being retired?",
        help_text="For example: replaced by a new measure in the 2023/24 agreement. Shown on the indicator's page.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the indicator is being retired",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )


class ValueCell(forms.DecimalField):
    """One cell of the grid: a typed number checked by indicator_grid.value_parse (its errors name the indicator
    and the period); blank is no value."""

    widget = forms.TextInput

    def __init__(self, *, indicator: Indicator, period, **kwargs):
        self.indicator, self.period = indicator, period
        super().__init__(
            required=False, label=f"{indicator.name}, {period_label(period, indicator.frequency)}", **kwargs
        )
        self.validators = []  # value_parse holds every rule

    def to_python(self, value):
        return value_parse(
            value if isinstance(value, str) else "" if value is None else str(value), self.indicator, self.period
        )

    def widget_attrs(self, widget):
        return {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input govuk-input--width-5"}

    def prepare_value(self, value):
        return f"{value.normalize():f}" if hasattr(value, "normalize") else value


def cell_name(indicator_id: int, period) -> str:
    return f"v{indicator_id}-{period:%Y-%m}"


class IndicatorGridForm(GdsFormMixin, forms.Form):
    """A cell for each month an indicator takes in the year (`months`), named v<indicator id>-<yyyy-mm>, holding
    the value recorded; the grid's version (indicator_grid.grid_version) rides along as record_version."""

    submit_label = "Save values"

    def __init__(self, *args, indicators, months, values: dict, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for indicator in indicators:
            cells = []
            for month in months:
                if not indicator.takes_period(month):
                    cells.append(None)
                    continue
                name = cell_name(indicator.pk, month)
                self.fields[name] = ValueCell(indicator=indicator, period=month)
                self.initial[name] = values.get((indicator.pk, month))
                cells.append(name)
            self.rows.append((indicator, cells))
        self.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.initial[VERSION_FIELD] = version

    def table(self):
        """[(indicator, [bound field or None for a month it does not take])] for the template."""
        return [(indicator, [self[name] if name else None for name in cells]) for indicator, cells in self.rows]

    def typed_cells(self) -> dict[Key, str]:
        """What was typed in every cell, keyed (indicator id, month), for the service to check and save."""
        typed = {}
        for name, field in self.fields.items():
            if isinstance(field, ValueCell):
                typed[(field.indicator.pk, field.period)] = self.data.get(self.add_prefix(name), "")
        return typed

    def field_name(self, key: Key) -> str | None:
        name = cell_name(*key)
        return name if name in self.fields else None


class IndicatorImportForm(GdsFormMixin, forms.Form):
    submit_label = "Check the sheet"
    sheet = forms.FileField(
        label="Spreadsheet (.xlsx or .csv) with the columns Indicator, Period, Value and Notes",
        help_text="One row a value. Period is a month, like April 2022 or Apr-22, or a quarter, like Q1 2022/23.",
        error_messages={"required": "Select a spreadsheet", "empty": "The selected file is empty."},
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement

    def clean_sheet(self):
        from .indicator_imports import check_value_rows, read_values_sheet

        upload = self.cleaned_data["sheet"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError("The selected file must be smaller than 5 MB.")
        self.rows = check_value_rows(self.agreement, read_values_sheet(upload))
        return upload
