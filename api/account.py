"""Account-page actions: make and revoke API tokens, start and stop the private calendar feed."""

import secrets

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from kcsp.forms import GdsFormMixin
from kcsp.mixins import RolePermissionMixin
from kcsp.pages import ConfirmActionView, FormPageMixin

from .models import ApiToken, CalendarFeed


class SignedInMixin(RolePermissionMixin):
    permission_required = "kcsp.view_account"

    def get_back_url(self):
        return reverse("account")

    def get_success_url(self):
        return reverse("account")


class ApiTokenForm(GdsFormMixin, forms.Form):
    submit_label = "Create token"
    name = forms.CharField(
        label="What will use this token?",
        max_length=100,
        help_text="For example: the council's website. It helps you recognise the token later.",
        error_messages={"required": "Enter what will use this token"},
    )


class ApiTokenCreateView(SignedInMixin, FormPageMixin, FormView):
    form_class = ApiTokenForm
    heading = "Create an API token"

    def form_valid(self, form):
        row, token = ApiToken.issue(user=self.request.user, name=form.cleaned_data["name"])
        response = render(self.request, "api/token_created.html", {"row": row, "token": token})
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(SignedInMixin, ConfirmActionView):
    heading = "Revoke this API token"
    submit_label = "Revoke token"

    def load(self, request, **kwargs):
        self.token = get_object_or_404(
            ApiToken.objects.filter(user=request.user, revoked_at__isnull=True), pk=kwargs["pk"]
        )
        self.explanation = f"Programs using “{self.token}” will no longer be able to read anything as you."

    def act(self):
        ApiToken.objects.filter(pk=self.token.pk).update(revoked_at=timezone.now())
        self.success_message = "The API token has been revoked."


class CalendarFeedCreateView(SignedInMixin, ConfirmActionView):
    heading = "Start a private calendar feed"
    submit_label = "Create feed address"
    explanation = (
        "You get a private address for your calendar application with the meetings you may attend. "
        "Anyone with the address can see those meeting dates: keep it to yourself. Making a new one stops the old one."
    )

    @transaction.atomic
    def act(self):
        CalendarFeed.objects.filter(user=self.request.user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        CalendarFeed.objects.create(user=self.request.user, token=secrets.token_urlsafe(32))
        self.success_message = "Your private calendar feed address is on your account page."


class CalendarFeedRevokeView(SignedInMixin, ConfirmActionView):
    heading = "Stop your private calendar feed"
    submit_label = "Stop the feed"
    explanation = "The address will stop working in every calendar application that uses it."

    def act(self):
        stopped = CalendarFeed.objects.filter(user=self.request.user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if stopped:
            self.success_message = "Your private calendar feed has been stopped."
        else:
            messages.info(self.request, "You had no calendar feed to stop.")
