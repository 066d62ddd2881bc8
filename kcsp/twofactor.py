"""Two-factor authentication (django-otp, TOTP): set up an authenticator app, and enter a code after signing in.

A password alone signs a user in to the ordinary pages. Domestic Homicide Review pages and the admin
site open only once a one-time code has been confirmed in the same session. Setting up a first app
also needs an enrolment code (kcsp/enrolment.py), and every code is checked by kcsp/otp.py. Confirming
the first app shows a set of backup codes once (kcsp/backupcodes.py); the account page makes new ones.
"""

import math

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import FormView, View
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles
from .backupcodes import backup_code_was_used, backup_codes_issue, backup_codes_left, signed_in_with_backup_code
from .enrolment import enrolment_code_find, enrolment_code_send, enrolment_code_spend, qr_svg
from .forms import ConfirmForm, GdsFormMixin
from .mixins import RolePermissionMixin
from .otp import otp_code_check
from .pages import FormPageMixin

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


class EnrolmentCodeForm(GdsFormMixin, forms.Form):
    submit_label = "Continue"
    enrolment_code = forms.CharField(
        label="Enrolment code",
        help_text="The 12-letter code the partnership's administrator gave you, or that we e-mailed you.",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-20"}),
        error_messages={"required": "Enter your enrolment code"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_enrolment_code(self):
        self.found = enrolment_code_find(user=self.user, code=self.cleaned_data["enrolment_code"])
        if self.found is None:
            raise forms.ValidationError(
                "The enrolment code is not right, has been used or has expired: ask for a new one"
            )
        return self.cleaned_data["enrolment_code"]


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
        user, code = self.request.user, form.cleaned_data["code"]
        check = otp_code_check(user=user, code=code)
        if check.device is None:
            used = check.checked and backup_code_was_used(user=user, code=code)
            form.add_error("code", code_refusal(check, USED_BACKUP_CODE) if used else code_refusal(check))
            return self.form_invalid(form)
        code_confirmed(self.request, check.device)
        if signed_in_with_backup_code(user):
            left = backup_codes_left(user)
            messages.info(
                self.request,
                f"You used a backup code. You have {left} backup code{'s' if left != 1 else ''} left"
                + (": make new ones from your account page." if left <= LOW_BACKUP_CODES else "."),
            )
        return redirect(safe_next(self.request, "home"))


USED_BACKUP_CODE = "That backup code has already been used: enter a code from your app or another backup code"
LOW_BACKUP_CODES = 3  # at or below this many left, the sign-in says to make new ones


def wait_words(seconds: int) -> str:
    """A wait in words: "1 second", "45 seconds", up to two minutes in seconds, then whole minutes rounded up."""
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def code_refusal(
    check, wrong: str = "The code is not right or has expired: enter the current code from your app"
) -> str:
    """What to tell someone whose code was refused: wait (with how long), or it was wrong.

    A code typed inside the delay after a wrong one is not checked (kcsp.otp), so it may well be right: the
    answer is "Wait N seconds and try again", never that the code is wrong."""
    seconds = wait_words(check.wait_seconds)
    if not check.checked:
        return f"Wait {seconds} and try again: after a wrong code, the next one is checked only after a short delay"
    return f"{wrong}. You can try again in {seconds}" if check.wait_seconds > 1 else wrong


def code_confirmed(request, device) -> None:
    """Mark the session as having passed the second factor, under a new session key (no fixation)."""
    otp_login(request, device)
    request.session.cycle_key()


SESSION_ENROLMENT = "kcsp_enrolment_code"


class TwoFactorSetupView(LoginRequiredMixin, FormView):
    """Add an authenticator app: an enrolment code first (for a first app), then its key and QR code, then a code.

    A user who already has an app must be verified in this session to replace it, so a stolen
    password alone cannot swap in the thief's app; a user with none needs an enrolment code, so a
    stolen password alone cannot add one either. The key is shown only after the enrolment code, and
    to a fresh device, so no one who saw an earlier key can read the codes of the app confirmed.
    """

    template_name = "kcsp/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user_has_device(user) and not user.is_verified():
            return redirect(verification_url(user, reverse("two_factor_setup")))
        response = super().dispatch(request, *args, **kwargs)
        if "no-store" not in response.get("Cache-Control", ""):  # the codes page sets its own
            add_never_cache_headers(response)  # the page shows the app's secret key: never kept by a browser or proxy
        return response

    def enrolment_code_id(self) -> int | None:
        """The enrolment code this session entered (first app only); None if one is still needed."""
        if user_has_device(self.request.user):
            return None
        return self.request.session.get(SESSION_ENROLMENT)

    def needs_enrolment_code(self) -> bool:
        return not user_has_device(self.request.user) and not self.enrolment_code_id()

    def get_form_class(self):
        return EnrolmentCodeForm if self.needs_enrolment_code() else CodeForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.needs_enrolment_code():
            kwargs["user"] = self.request.user
        return kwargs

    def pending_device(self, fresh: bool = False) -> TOTPDevice:
        pending = TOTPDevice.objects.filter(user=self.request.user, confirmed=False)
        if fresh:
            pending.delete()
        device = pending.first()
        return device or TOTPDevice.objects.create(user=self.request.user, name=DEVICE_NAME, confirmed=False)

    def get_context_data(self, **kwargs):
        context = {"has_device": user_has_device(self.request.user), "next": safe_next(self.request, "account")}
        if self.needs_enrolment_code():
            context.update(enrolment=True, enrolment_hours=settings.ENROLMENT_CODE_HOURS)
        else:
            device = self.pending_device()
            secret = device.config_url.split("secret=")[1].split("&")[0]
            context.update(
                secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                otpauth_url=device.config_url,
                qr_code=qr_svg(device.config_url),
            )
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        if isinstance(form, EnrolmentCodeForm):
            self.pending_device(fresh=True)
            self.request.session[SESSION_ENROLMENT] = form.found.pk
            return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': safe_next(self.request, 'account')})}")
        return self.confirm(form)

    @transaction.atomic
    def confirm(self, form):
        user = self.request.user
        check = otp_code_check(user=user, code=form.cleaned_data["code"], pending=self.pending_device())
        if check.device is None:
            wrong = "The code is not right: check the setup key was entered correctly and try again"
            form.add_error("code", code_refusal(check, wrong))
            return self.form_invalid(form)
        device = check.device
        code_id = self.enrolment_code_id()
        if code_id and not enrolment_code_spend(user=user, code_id=code_id):
            self.request.session.pop(SESSION_ENROLMENT, None)
            messages.error(self.request, "Your enrolment code has expired or was replaced: enter a new one.")
            return redirect("two_factor_setup")
        first_app = not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.throttle_reset(commit=False)
        device.save()
        self.request.session.pop(SESSION_ENROLMENT, None)
        code_confirmed(self.request, device)
        messages.success(
            self.request, "Two-factor authentication is set up. You will be asked for a code when you sign in."
        )
        if first_app or not backup_codes_left(user):
            return backup_codes_page(self.request, backup_codes_issue(user=user), safe_next(self.request, "account"))
        return redirect(safe_next(self.request, "account"))


def backup_codes_page(request, codes: list[str], next_url: str):
    """The one time a set of backup codes is shown: a page no browser or proxy may store."""
    response = render(request, "kcsp/two_factor_backup_codes.html", {"codes": codes, "next": next_url})
    response["Cache-Control"] = "private, no-store"
    return response


class BackupCodesView(RolePermissionMixin, FormPageMixin, FormView):
    """'Make new backup codes': needs this session verified (a code from the app, or a backup code), so a stolen
    password alone cannot read new codes; the new set replaces the old and is shown once."""

    permission_required = "kcsp.view_account"
    form_class = ConfirmForm
    heading = "Make new backup codes"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not self.has_permission():
            return self.handle_no_permission()
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("two_factor_setup")  # backup codes stand in for an app: set one up first
        if not roles.is_verified(user):
            return redirect(verification_url(user, reverse("two_factor_backup_codes")))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Make new backup codes"}

    def get_back_url(self):
        return reverse("account")

    def get_context_data(self, **kwargs):
        left = backup_codes_left(self.request.user)
        explanation = (
            f"You have {left} unused backup code{'s' if left != 1 else ''}. New codes replace them: the old ones stop "
            "working. The new codes are shown once, on the next page."
        )
        return super().get_context_data(explanation=explanation, **kwargs)

    def form_valid(self, form):
        return backup_codes_page(self.request, backup_codes_issue(user=self.request.user), reverse("account"))


class EnrolmentCodeSendView(LoginRequiredMixin, View):
    """POST: e-mail an enrolment code to the signed-in account's own address."""

    def post(self, request, *args, **kwargs):
        if user_has_device(request.user):
            return redirect("two_factor_setup")
        if enrolment_code_send(user=request.user):
            hours = settings.ENROLMENT_CODE_HOURS
            messages.success(
                request, f"We have sent an enrolment code to {request.user.email}. It expires in {hours} hours."
            )
        else:
            messages.info(request, "We sent you an enrolment code less than a minute ago: check your e-mail.")
        return redirect("two_factor_setup")
