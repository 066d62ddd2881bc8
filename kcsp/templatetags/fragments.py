"""{% viewer_fragment "name" value ... [shared] %}...{% endviewer_fragment %}: a template fragment cached for
this viewer's rights (kcsp/fragments.py). The request must be in the context (the request context processor).

    {% load fragments %}
    {% viewer_fragment "meeting-agenda" meeting.pk meeting.updated_at %} ... {% endviewer_fragment %}
    {% viewer_fragment "grant-year-summary" grant_year.pk shared %} ... {% endviewer_fragment %}
"""

from django import template

from kcsp.fragments import cached_for_viewer

register = template.Library()


class ViewerFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, shared):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.shared = shared

    def render(self, context):
        request = context.get("request")
        if request is None:
            raise template.TemplateSyntaxError("viewer_fragment needs the request in the template context")
        name = self.name.resolve(context)
        vary_on = [value.resolve(context) for value in self.vary_on]
        return cached_for_viewer(
            str(name), request.user, vary_on, lambda: self.nodelist.render(context), shared=self.shared
        )


@register.tag("viewer_fragment")
def do_viewer_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("viewer_fragment needs a name")
    shared = bits[-1] == "shared"
    if shared:
        bits = bits[:-1]
    nodelist = parser.parse(("endviewer_fragment",))
    parser.delete_first_token()
    return ViewerFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], shared
    )
