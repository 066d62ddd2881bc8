"""Each person sees and changes which notices they get."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import FormView

from kcsp.mixins import RolePermissionMixin
from kcsp.pages import FormPageMixin

from .forms import PreferencesForm
from .kinds import KINDS, kinds_for
from .models import Preference


class PreferencesView(RolePermissionMixin, FormPageMixin, FormView):
    permission_required = "kcsp.view_account"
    form_class = PreferencesForm
    heading = "Your e-mail notifications"

    def get_initial(self):
        off = set(Preference.objects.filter(user=self.request.user, enabled=False).values_list("kind", flat=True))
        return {"kinds": [kind for kind in KINDS if kind not in off]}

    def get_back_url(self):
        from django.urls import reverse

        return reverse("account")

    @transaction.atomic
    def form_valid(self, form):
        wanted = set(form.cleaned_data["kinds"])
        for kind in kinds_for(self.request.user):
            preference, _ = Preference.objects.get_or_create(user=self.request.user, kind=kind)
            if preference.enabled != (kind in wanted):
                preference.enabled = kind in wanted
                preference.save()
        messages.success(self.request, "Your notification preferences have been saved.")
        return redirect("notifications:preferences")
