"""Two-factor authentication (django-otp, TOTP): set up an authenticator app, and enter a code after signing in.

A password alone signs a user in to the ordinary pages. Domestic Homicide Review pages and the admin
site open only once a one-time code has been confirmed in the same session.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import GdsFormMixin

DEVICE_NAME = "Authenticator app"


class CodeForm(GdsFormMixin, forms.Form):
    submit_label = "Continue"
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, for example 123456. A backup code also works.",
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(default)


def verification_url(user, next_url: str) -> str:
    """Where to send a signed-in user who still needs a code: enter it, or set up an app first."""
    name = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SignInView(auth_views.LoginView):
    """The password step; users with an authenticator app go on to enter a code."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if user_has_device(user):
            return redirect(verification_url(user, self.get_success_url()))
        return response


class TwoFactorVerifyView(LoginRequiredMixin, FormView):
    """'Enter your code': confirms a code from any of the user's confirmed devices for this session."""

    template_name = "kcsp/two_factor_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_has_device(request.user):
            return redirect(verification_url(request.user, safe_next(request, "account")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request, "home"), **kwargs)

    def form_valid(self, form):
        device = match_token(self.request.user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", "The code is not right or has expired: enter the current code from your app")
            return self.form_invalid(form)
        otp_login(self.request, device)
        return redirect(safe_next(self.request, "home"))


class TwoFactorSetupView(LoginRequiredMixin, FormView):
    """Add an authenticator app: show its secret, then confirm it with a first code.

    A user who already has an app must be verified in this session to replace it, so a stolen
    password alone cannot swap in the thief's app.
    """

    template_name = "kcsp/two_factor_setup.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user_has_device(user) and not user.is_verified():
            return redirect(verification_url(user, reverse("two_factor_setup")))
        return super().dispatch(request, *args, **kwargs)

    def pending_device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=self.request.user, name=DEVICE_NAME, confirmed=False)

    def get_context_data(self, **kwargs):
        device = self.pending_device()
        secret = device.config_url.split("secret=")[1].split("&")[0]
        grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        return super().get_context_data(
            secret=grouped,
            otpauth_url=device.config_url,
            has_device=user_has_device(self.request.user),
            next=safe_next(self.request, "account"),
            **kwargs,
        )

    @transaction.atomic
    def form_valid(self, form):
        device = self.pending_device()
        if not device.verify_token(form.cleaned_data["code"]):
            form.add_error("code", "The code is not right: check the secret was entered correctly and try again")
            return self.form_invalid(form)
        TOTPDevice.objects.filter(user=self.request.user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        otp_login(self.request, device)
        messages.success(
            self.request, "Two-factor authentication is set up. You will be asked for a code when you sign in."
        )
        return redirect(safe_next(self.request, "account"))
