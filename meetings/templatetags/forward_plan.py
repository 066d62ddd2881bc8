"""The forward plan on other pages: suggestions on a draft agenda, and links to the public bodies' forward plans."""

from django import template

from meetings.forward_plan import suggestions_for
from meetings.forward_plan_forms import AcceptForm
from meetings.models import Committee

register = template.Library()


@register.inclusion_tag("meetings/forward_plan_suggestions.html", takes_context=True)
def forward_plan_suggestions(context, meeting):
    """For officers, on a meeting whose agenda is a draft: the forward plan entries it suggests (forward_plan.
    suggestions_for), each with its section form ("Add to the agenda") and "Not this meeting"."""
    request = context["request"]
    if not request.user.has_perm("meetings.manage"):
        return {"suggestions": []}
    # the committee's sections read once for all entries (each entry's section choices and default read them)
    suggestions = list(suggestions_for(meeting).prefetch_related("committee__agenda_sections"))
    for entry in suggestions:
        section = AcceptForm(entry=entry, viewer=request.user).fields["section"]
        entry.sections, entry.default_section = section.choices, section.initial
    return {"meeting": meeting, "suggestions": suggestions, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("meetings/forward_plan_links.html")
def forward_plan_links():
    """Links to the forward plans of the bodies open to the public."""
    return {"committees": Committee.objects.filter(is_public=True).order_by("name")}
