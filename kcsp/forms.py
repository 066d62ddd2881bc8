"""The GOV.UK form base every form uses, the one rule for choice lists, and the sign-in and password forms."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import AnonymousUser


def visible_choices(form, user) -> None:
    """Every drop-down, radio list and checkbox list offers only rows the user may open.

    Each field with a queryset is narrowed to its model's `visible_to(user)` (the querysets the pages use),
    where the model has one; FormPageMixin calls this for every form it shows, after the form has set its own
    querysets. A row the user may not open is then refused on POST as "Select a valid choice".
    """
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        visible_to = getattr(getattr(queryset, "model", None), "_default_manager", None)
        visible_to = getattr(visible_to, "visible_to", None)
        if visible_to is not None:
            field.queryset = queryset.filter(pk__in=visible_to(user).values("pk"))


class GdsFormMixin:
    """Give a form a GOV.UK helper with one primary button; `viewer` (who fills it in) is kept as `self.viewer`.

    Named `viewer`, not `user`, because Django's password forms already take the account they change as `user`.
    """

    submit_label = "Continue"

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer if viewer is not None else AnonymousUser()
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # templates write the <form> and CSRF token
        self.helper.add_input(Submit("submit", self.submit_label))


class SignInForm(GdsFormMixin, auth_forms.AuthenticationForm):
    submit_label = "Sign in"
    username = forms.EmailField(
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
    email = forms.EmailField(
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
