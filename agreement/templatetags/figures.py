"""Template filters for the agreement's figures."""

from django import template

from agreement.charts import figure as figure_text

register = template.Library()


@register.filter
def figure(value) -> str:
    """A recorded figure without trailing zeros or an exponent: 34.00 -> "34", 12.50 -> "12.5" (charts.figure)."""
    return figure_text(value)
