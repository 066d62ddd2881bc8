"""A committee's action log: every action of its minutes that the reader may see, with filters."""

from urllib.parse import urlencode

from crispy_forms_gds.layout import Submit
from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from kcsp.forms import GdsFormMixin

from .. import access, selectors
from ..models import Action, Committee

FILTERS = ("owner", "status", "overdue")


class ActionLogFilterForm(GdsFormMixin, forms.Form):
    """The log's filters, read from the query string: a value that is not offered is named, never a 500."""

    submit_label = "Filter"
    owner = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Anyone",
        error_messages={"invalid_choice": "Select an owner from the list"},
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Action.Status.choices],
        required=False,
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    overdue = forms.BooleanField(label="Only open actions past their due date", required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.helper.form_method = "get"
        self.helper.inputs = [Submit("filter", self.submit_label, css_class="govuk-button--secondary")]

    def chosen(self) -> dict:
        """The filters to apply: each valid one (an invalid one is left out, and named on the page)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "owner": data.get("owner"),
            "status": data.get("status") or "",
            "overdue": bool(data.get("overdue")),
        }


class ActionLogView(ListView):
    """For anyone who may see the committee's minutes: the actions recorded in them (Action.objects.visible_to),
    open ones first, by due date, 25 to a page; filters by owner, status and overdue."""

    template_name = "meetings/action_log.html"
    paginate_by = 25
    context_object_name = "actions"

    def get_queryset(self):
        self.committee = get_object_or_404(Committee, slug=self.kwargs["slug"])
        if not access.committee_open(self.request.user, self.committee):
            raise Http404
        owners = selectors.action_owners(self.committee, self.request.user)
        query = {name: self.request.GET.get(name) for name in FILTERS if name in self.request.GET}
        self.form = ActionLogFilterForm(query or None, owners=owners, viewer=self.request.user)
        if self.form.is_bound:
            self.form.is_valid()
        return selectors.action_log(self.committee, self.request.user, **self.form.chosen())

    def get_context_data(self, **kwargs):
        chosen = {name: self.request.GET.get(name) for name in FILTERS if self.request.GET.get(name)}
        return super().get_context_data(
            committee=self.committee,
            form=self.form,
            filtered=bool(chosen),
            query_prefix=f"{urlencode(chosen)}&" if chosen else "",
            **kwargs,
        )
