"""Sign-in and password forms rendered with the GOV.UK Design System (crispy-forms-gds)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms

from .identity import email_normalise


class GdsFormMixin:
    """Give a form a GOV.UK helper with one primary button."""

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # templates write the <form> and CSRF token
        self.helper.add_input(Submit("submit", self.submit_label))


class NormalisedEmailField(forms.EmailField):
    """An e-mail address taken in its stored form, however it was typed (see identity.email_normalise)."""

    def to_python(self, value):
        return email_normalise(super().to_python(value))


class SignInForm(GdsFormMixin, auth_forms.AuthenticationForm):
    submit_label = "Sign in"
    username = NormalisedEmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = "Enter your password"

    error_messages = {
        "invalid_login": "Enter a correct e-mail address and password. The password is case-sensitive.",
        "inactive": "This account has been switched off. Contact the partnership's administrator.",
    }


class PasswordResetRequestForm(GdsFormMixin, auth_forms.PasswordResetForm):
    submit_label = "Send reset link"
    email = NormalisedEmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
    )


class NewPasswordForm(GdsFormMixin, auth_forms.SetPasswordForm):
    submit_label = "Set new password"


class ChangePasswordForm(GdsFormMixin, auth_forms.PasswordChangeForm):
    submit_label = "Change password"


class RenderCheckForm(GdsFormMixin, forms.Form):
    """No fields: a confirmed POST that queues one render check."""

    submit_label = "Run render check"


class ConfirmForm(GdsFormMixin, forms.Form):
    """A POST with nothing to fill in: the page says what will happen."""

    def __init__(self, *args, submit_label: str = "Confirm", **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
