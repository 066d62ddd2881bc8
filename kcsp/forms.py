"""The GOV.UK form base every form uses (typed text made safe), the one rule for choice lists, and the sign-in and
password forms (crispy-forms-gds)."""

import functools

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import AnonymousUser

from .dates import PARTS, GovDateWidget
from .identity import email_normalise
from .text import text_safe

BLANK_LABELS = {"", "---------"}  # Django's placeholder for "nothing chosen" (BLANK_CHOICE_DASH, empty_label)


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


def error_anchor(bound) -> str:
    """The id an error summary links to for a question: its first input, so the link puts the cursor there.

    GOV.UK error summary: radios and checkboxes link to the first option (crispy-forms-gds numbers them
    `id_<name>_1`, `_2` …), a date to the first of its day, month and year boxes that is wrong (else the day),
    anything else to the input itself. A form that draws its own inputs may say otherwise with a method
    `error_anchor_for(bound) -> str | None`.
    """
    custom = getattr(bound.form, "error_anchor_for", None)
    anchor = custom(bound) if custom else None
    if anchor:
        return anchor
    widget = bound.field.widget
    if isinstance(widget, GovDateWidget):
        wrong = [part for part in PARTS if part in widget.error_parts]
        return f"{bound.auto_id}_{(wrong or PARTS)[0]}"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return widget.id_for_label(bound.auto_id)
    return bound.auto_id


def radio_choices(bound) -> list:
    """A radio question's options without Django's "---------": a required question loses it (GOV.UK radios
    start with nothing chosen), an optional one names it "None" so the answer can be taken back."""
    choices = []
    for value, label in bound.field.choices:
        if str(value) == "" and str(label) in BLANK_LABELS:
            if bound.field.required:
                continue
            label = "None"
        choices.append((value, label))
    return choices


def _text_safe_first(to_python):
    @functools.wraps(to_python)
    def wrapped(value):
        if isinstance(value, str):
            value = text_safe(value)
        elif isinstance(value, list | tuple):
            value = type(value)(text_safe(v) if isinstance(v, str) else v for v in value)
        return to_python(value)

    wrapped.text_safe = True
    return wrapped


class TypedTextMixin:
    """Every field's typed text passes kcsp.text.text_safe before the field reads it: Word's line and page
    breaks (vertical tab, form feed) become newlines, other control characters go; tabs and newlines stay.
    Passwords are left exactly as typed. Every project form has this (tests/test_typed_text.py walks them)."""

    def full_clean(self):
        for field in self.fields.values():  # fields added in __init__ included: this runs at validation
            if not isinstance(field.widget, forms.PasswordInput) and not getattr(field.to_python, "text_safe", 0):
                field.to_python = _text_safe_first(field.to_python)
        super().full_clean()


class TypedTextModelForm(TypedTextMixin, forms.ModelForm):
    """The admin's base form, so the admin takes typed text by the same rule."""


class GdsFormMixin(TypedTextMixin):
    """Give a form a GOV.UK helper with one primary button (and, through TypedTextMixin, safe typed text);
    `viewer` (who fills it in) is kept as `self.viewer`.

    Named `viewer`, not `user`, because Django's password forms already take the account they change as `user`.
    """

    submit_label = "Continue"

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer if viewer is not None else AnonymousUser()
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
