"""Each indicator rule at its edges: exactly at the tolerance, no value a year earlier, zero, the wrong way."""

from decimal import Decimal

import pytest

from agreement.models import Indicator
from agreement.models.indicators import is_exception

CHANGE, LOWER, HIGHER = Indicator.Rule.CHANGE, Indicator.Rule.LOWER_IS_BETTER, Indicator.Rule.HIGHER_IS_BETTER
D = Decimal


@pytest.mark.parametrize(
    ("rule", "value", "last_year", "flagged"),
    [
        # A change either way (the rule before issue 15, still the default)
        (CHANGE, D(110), D(100), False),  # exactly at 10%
        (CHANGE, D("110.01"), D(100), True),
        (CHANGE, D(90), D(100), False),
        (CHANGE, D("89.99"), D(100), True),
        (CHANGE, D(500), None, False),
        (CHANGE, D(0), D(0), False),
        (CHANGE, D(1), D(0), True),
        (CHANGE, D(0), D(100), True),
        # Lower is better: only a rise beyond the tolerance
        (LOWER, D(110), D(100), False),
        (LOWER, D("110.01"), D(100), True),
        (LOWER, D(50), D(100), False),  # a large fall is good news
        (LOWER, D(500), None, False),
        (LOWER, D(0), D(0), False),
        (LOWER, D(1), D(0), True),
        (LOWER, D(-5), D(0), False),
        # Higher is better: only a fall beyond the tolerance
        (HIGHER, D(90), D(100), False),
        (HIGHER, D("89.99"), D(100), True),
        (HIGHER, D(200), D(100), False),  # a large rise is good news
        (HIGHER, D(5), None, False),
        (HIGHER, D(0), D(0), False),
        (HIGHER, D(1), D(0), False),
        (HIGHER, D(-1), D(0), True),
        (HIGHER, D(0), D(100), True),
    ],
)
def test_each_rule_flags_only_beyond_the_tolerance_in_its_direction(rule, value, last_year, flagged):
    assert is_exception(value, last_year, D(10), rule) is flagged


def test_a_zero_tolerance_flags_any_change_the_rule_watches():
    assert is_exception(D("100.01"), D(100), D(0), CHANGE)
    assert not is_exception(D(100), D(100), D(0), CHANGE)
    assert not is_exception(D(99), D(100), D(0), LOWER)


def test_the_rule_in_words_names_the_tolerance():
    indicator = Indicator(name="Crimes", rule=LOWER, tolerance_percent=D("7.5"))
    assert indicator.rule_text == (
        "Lower is better: a value is flagged when it is more than 7.5% above the same period last year."
    )
    assert Indicator(rule=CHANGE, tolerance_percent=D("10.0")).rule_text.startswith(
        "A value is flagged when it is more than 10% above or below"
    )


def test_a_quarterly_indicator_takes_only_the_first_month_of_each_quarter():
    import datetime

    quarterly = Indicator(frequency=Indicator.Frequency.QUARTERLY)
    monthly = Indicator(frequency=Indicator.Frequency.MONTHLY)
    starts = [m for m in range(1, 13) if quarterly.takes_period(datetime.date(2022, m, 1))]
    assert starts == [1, 4, 7, 10]
    assert all(monthly.takes_period(datetime.date(2022, m, 1)) for m in range(1, 13))
    assert not monthly.takes_period(datetime.date(2022, 4, 2))
