"""Detail pages whose whole body is one fragment (kcsp/fragments.py), looked up before the record is read.

A view using `BodyFragmentMixin` (a DetailView) renders its body from `body_template` into the fragment
`body_fragment`, shared by viewers with the same rights and varying on the URL's keyword arguments and today's
date; the page template gets `page_html` (the body) and, under the record's context name, `page_title(record)`
(what its title block reads: a string, or a dict of the attributes it reads), and renders its body only when
`page_html` is absent. The body is stored only once the record was found visible to
this viewer (a 404 stores nothing), and any committed change, one that hides the record included, moves the
generation on, so a warm page reads nothing from the database and a hidden record still answers 404.

`body_cacheable(request)` says for whom (default: everyone); with fragments off (FRAGMENT_CACHE_SECONDS=0, as in
tests) the view renders as a plain DetailView. Only for bodies with no form (no CSRF token) and nothing personal.
"""

from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe

from .fragments import cached_for_viewer, fragment_seconds


class BodyFragmentMixin:
    body_fragment: str
    body_template: str
    building_body = False  # True while the fragment is built: views may then skip fragments nested in it

    def body_cacheable(self, request) -> bool:
        return True

    def page_title(self, obj):
        """What the page template's title block reads of the record (a str or a dict, stored with the body)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if fragment_seconds() <= 0 or not self.body_cacheable(request):
            return super().get(request, *args, **kwargs)
        vary_on = [*(f"{key}={value}" for key, value in sorted(kwargs.items())), timezone.localdate()]
        page = cached_for_viewer(self.body_fragment, request.user, vary_on, self.body_build, shared=True)
        context = {self.context_object_name: page["title"], "page_html": mark_safe(page["html"])}  # noqa: S308
        return TemplateResponse(request, self.template_name, context)

    def body_build(self) -> dict:
        """{"title": page_title(record), "html": the body (str)}; Http404 when the record is not visible."""
        self.building_body = True
        self.object = self.get_object()
        context = self.get_context_data(object=self.object)
        return {
            "title": self.page_title(self.object),
            "html": render_to_string(self.body_template, context, self.request),
        }
