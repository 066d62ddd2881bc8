"""Minute text on a page: `{{ paragraph|minute_links }}` escapes it, links https:// URLs and keeps line breaks."""

from django import template
from django.utils.safestring import SafeString

from meetings.minutetext import links_html

register = template.Library()


@register.filter
def minute_links(value) -> SafeString:
    """The value as safe HTML: escaped, https:// URLs as GOV.UK links, newlines as <br> (meetings.minutetext)."""
    return links_html("" if value is None else str(value))
