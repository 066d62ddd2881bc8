"""Every DHR page passes the one gate (dhr/gate.py): verified cleared users only, everyone else a 404.

The gate marks the request and the access-log middleware writes its one row; views only say what it was.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from kcsp.pages import FormPageMixin

from ..gate import dhr_gate
from ..models import AccessLog, Case


class ClearedMixin:
    """Refuse with 404, before any lookup, unless the user is DHR-cleared and has entered a code this session."""

    def dispatch(self, request, *args, **kwargs):
        dhr_gate(request, what=getattr(self, "page_name", "") or getattr(self, "heading", ""))
        return super().dispatch(request, *args, **kwargs)

    def log(self, action: str | None, what, case: Case | None = None) -> None:
        """Say what this request was, for its one access-log row (written after the answer, dhr/gate.py)."""
        dhr_gate(self.request, what=what, case=case, action=action)


class LoggedViewMixin(ClearedMixin):
    """A page that reading alone is recorded in the access log."""

    log_action = AccessLog.Action.VIEW

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        case = self.logged_case()
        self.log(self.log_action, self.logged_what(case), case)
        return response

    def logged_case(self):
        obj = getattr(self, "object", None)
        return obj if isinstance(obj, Case) else getattr(self, "case", None)

    def logged_what(self, case):
        return f"{self.page_name}{f': {case}' if case else ''}"


class CaseFormMixin(ClearedMixin, FormPageMixin):
    """A form about one case: loads the case after the gate, logs the write, returns to the case page."""

    success_message = "Saved."
    log_action = AccessLog.Action.CREATE

    def load(self, request, **kwargs):
        self.case = get_object_or_404(Case, pk=kwargs["pk"])
        self.log(None, self.heading, self.case)

    def get_caption(self):
        return f"Domestic Homicide Review {self.case}"

    def get_back_url(self):
        return self.case.get_absolute_url()

    def save(self, form):
        form.instance.case = self.case
        return form.save()

    def form_valid(self, form):
        obj = self.save(form)
        if form.errors:
            return self.form_invalid(form)
        self.log(self.log_action, f"{self.heading}: {obj}", self.case)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.case.get_absolute_url()
