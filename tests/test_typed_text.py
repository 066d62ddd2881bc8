"""Text typed into any form takes the exporter's control-character rule on the way in: Word's line and page
breaks become newlines, other control characters go, tabs and newlines stay. Every form class of the project
(and every admin form) is walked, so a new form without the rule fails here."""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from agreement.models import ProgressUpdate
from agreement.tests.factories import agreement_world
from kcsp.forms import TypedTextMixin

PROJECT_APPS = ("kcsp", "meetings", "agreement", "grants", "dhr", "notifications", "api", "search")
WORD_PASTE = "Line one\x0bLine two\x0cPage two\x07\x1b\x00 end\tcolumn\r\nnext"
SAFE = "Line one\nLine two\nPage two end\tcolumn\r\nnext"


def project_form_classes() -> list[type]:
    """Every Form and ModelForm class defined in the project's modules (tests and migrations aside)."""
    for label in PROJECT_APPS:
        package = importlib.import_module(label)
        for module in pkgutil.walk_packages(package.__path__, f"{label}."):
            if not any(part in ("tests", "migrations", "settings") for part in module.name.split(".")):
                importlib.import_module(module.name)
    found, queue = [], [forms.BaseForm]
    while queue:
        cls = queue.pop()
        queue.extend(cls.__subclasses__())
        module = cls.__module__
        if module.split(".")[0] in PROJECT_APPS and ".tests" not in module and cls not in found:
            found.append(cls)
    return found


def test_every_project_form_and_admin_form_takes_typed_text_by_the_one_rule():
    classes = project_form_classes()
    assert len(classes) > 40, [c.__name__ for c in classes]
    missing = [f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, TypedTextMixin)]
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS:
            for form in (model_admin.form, getattr(model_admin, "add_form", None)):
                if form is not None and not issubclass(form, TypedTextMixin):
                    missing.append(f"admin form of {model.__name__}: {form.__qualname__}")
    assert not missing, "forms without kcsp.forms.TypedTextMixin (use GdsFormMixin):\n" + "\n".join(missing)


class Example(TypedTextMixin, forms.Form):
    text = forms.CharField(widget=forms.Textarea, strip=False)
    lines = forms.MultipleChoiceField(choices=[("a", "a"), ("b", "b")], required=False)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["later"] = forms.CharField()  # added after the base class ran: still cleaned


def test_the_rule_keeps_tabs_and_newlines_and_leaves_passwords_as_typed():
    form = Example({"text": WORD_PASTE, "lines": ["a\x07"], "password": "pa\x0bss", "later": "x\x0by"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == SAFE
    assert form.cleaned_data["lines"] == ["a"], "choices are read after the rule too"
    assert form.cleaned_data["password"] == "pa\x0bss"
    assert form.cleaned_data["later"] == "x\ny"
    form = Example({"text": "\x0b", "password": "p", "later": "\x07"})
    assert not form.is_valid() and set(form.errors) == {"later"}, "nothing but control characters is empty"


@pytest.mark.django_db
def test_text_pasted_from_word_is_saved_with_newlines_through_a_real_form(officer_client):
    item = agreement_world()["published_item"]
    response = officer_client.post(
        reverse("agreement:progress_create", args=[item.pk]),
        {"year": "2022", "quarter": "1", "status": "green", "narrative": WORD_PASTE},
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(item_key=item.key).narrative == SAFE
