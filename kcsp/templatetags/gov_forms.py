"""Template helpers for GOV.UK forms: the error summary's links and radio options (rules in kcsp.forms)."""

from django import template

from kcsp.forms import error_anchor, radio_choices

register = template.Library()


@register.simple_tag
def error_links(form) -> list[tuple[str, str]]:
    """(id, message) for each error of the form, in field order; the form's own errors link to its first field."""
    fields = list(form.visible_fields())
    first = error_anchor(fields[0]) if fields else ""
    links = [(first, error) for error in form.non_field_errors()]
    for bound in fields:
        links.extend((error_anchor(bound), error) for error in bound.errors)
    return links


register.filter("radio_choices", radio_choices)
