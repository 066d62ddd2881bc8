"""The data map: which fields hold personal data, why, on what lawful basis, kept how long and seen by whom.

Declared once per app, beside its models, in `<app>/personal_data.py`: a dict DECLARATIONS of model name to
`personal({field: PersonalField(...)}, not_personal={field: reason})`. A simple-history copy (HistoricalX)
shares X's declaration. `data_map_rows()` turns every declaration into the rows of the data map page and CSV
(kcsp/datamap_views.py); `undeclared_fields(models)` names every field that looks personal but is declared
neither way (tests/test_data_map.py fails on any).

Lawful basis is written in UK GDPR terms: Article 6(1)(e) public task, 6(1)(c) legal obligation, 6(1)(a)
consent, 6(1)(f) legitimate interests; Article 9 for special category data and Article 10 (with the Data
Protection Act 2018 Schedule 1) for criminal offence data. Where the basis needs a DPO's view the text says
"to confirm with your DPO". `retention` is a record-type key of RETENTION_KEYS, which the retention schedule
(issue 20, later part) gives a period and an action.
"""

import importlib
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

OUR_APPS = ("kcsp", "governance", "meetings", "agreement", "grants", "dhr", "search", "notifications", "api")

# Categories in plain words (the data map's "Category" column).
IDENTITY = "Identity"
CONTACT = "Contact details"
ROLE = "Role and membership"
SPECIAL = "Special category or criminal offence (DHR)"
FREE_TEXT = "Free text that may name people"
TECHNICAL = "Technical (IP address, sign-ins, downloads)"
CATEGORIES = (IDENTITY, CONTACT, ROLE, SPECIAL, FREE_TEXT, TECHNICAL)

# Lawful bases (UK GDPR), as the data map prints them.
PUBLIC_TASK = "Public task, Article 6(1)(e) (Crime and Disorder Act 1998 s.5-6: community safety partnerships)"
LEGAL_OBLIGATION = "Legal obligation, Article 6(1)(c)"
CONSENT = "Consent, Article 6(1)(a)"
LEGITIMATE_INTERESTS = "Legitimate interests, Article 6(1)(f) (to confirm with your DPO)"
SECURITY = "Public task, Article 6(1)(e), and Article 32 security of processing (to confirm with your DPO)"
DHR_BASIS = (
    "Public task, Article 6(1)(e); Article 9(2)(g) substantial public interest and Article 10 with DPA 2018 "
    "Schedule 1 (Domestic Violence, Crime and Victims Act 2004 s.9 and its statutory guidance); "
    "to confirm with your DPO"
)

# Record-type keys the retention schedule gives a rule each.
RETENTION_KEYS = {
    "person": "People and user accounts",
    "organisation": "Organisations",
    "membership": "Committee memberships and office terms",
    "meeting": "Meetings and agendas",
    "paper": "Papers and appendices",
    "minutes": "Minutes, actions, errata and amendments",
    "attendance": "Attendance",
    "declaration": "Declarations of interest",
    "pack": "Packs, pack reads and download records",
    "annotation": "Private annotations",
    "plan": "Action-plan versions and updates",
    "indicator": "Indicators",
    "grant_bid": "Grant years and bids",
    "bid_attachment": "Bid attachments",
    "dhr_case": "DHR cases and their files",
    "dhr_access_log": "DHR access log",
    "notification": "Notifications sent and preferences",
    "session": "Sessions, sign-in and enrolment records",
    "api_token": "API tokens and calendar feeds",
    "subject_access": "Subject-access packages",
    "governance": "Legal holds, disposal lists and disposal records",
}

PERSONAL_NAME = re.compile(r"name|e_?mail|phone|telephone|mobile|address|postcode|birth|dob")
FREE_TEXT_NAMES = ("summary", "notes", "description", "body", "text", "comment", "reason", "details")


@dataclass(frozen=True)
class PersonalField:
    """One personal-data field: `category` (CATEGORIES), `purpose`, `lawful_basis`, `retention` (a
    RETENTION_KEYS key) and `visible_to` (who can see it, in words)."""

    category: str
    purpose: str
    lawful_basis: str
    retention: str
    visible_to: str

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"Unknown data-map category {self.category!r}: use one of kcsp.datamap.CATEGORIES")
        if self.retention not in RETENTION_KEYS:
            raise ValueError(f"Unknown retention key {self.retention!r}: add it to kcsp.datamap.RETENTION_KEYS")


@dataclass(frozen=True)
class Declaration:
    """A model's personal fields and the fields whose names look personal but are not (with the reason)."""

    fields: dict[str, PersonalField] = field(default_factory=dict)
    not_personal: dict[str, str] = field(default_factory=dict)

    def covers(self, name: str) -> bool:
        return name in self.fields or name in self.not_personal


def personal(fields: dict[str, PersonalField], not_personal: dict[str, str] | None = None) -> Declaration:
    """A model's declaration (see the module docstring)."""
    return Declaration(dict(fields), dict(not_personal or {}))


def looks_personal(model_field) -> bool:
    """Whether a field's name or kind says it may hold personal data (the rule tests/test_data_map.py applies)."""
    if isinstance(model_field, models.GenericIPAddressField):
        return True
    name = model_field.name.lower()
    if PERSONAL_NAME.search(name):
        return True
    return isinstance(model_field, models.TextField) and any(
        name == word or name.endswith("_" + word) for word in FREE_TEXT_NAMES
    )


def _app_declarations(app_label: str) -> dict[str, Declaration]:
    try:
        module = importlib.import_module(f"{apps.get_app_config(app_label).name}.personal_data")
    except ModuleNotFoundError:
        return {}
    return module.DECLARATIONS


def declaration_for(model) -> Declaration | None:
    """The declaration of `model` (a HistoricalX model: X's), or None when its app declares nothing for it."""
    model = getattr(model, "instance_type", None) or model
    return _app_declarations(model._meta.app_label).get(model.__name__)


def our_models() -> list:
    """Every concrete model of our apps, simple-history copies included."""
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def undeclared_fields(model_list) -> list[str]:
    """ "app.Model.field" for each field of `model_list` that looks personal and is declared neither personal
    nor not_personal; also each declared name the model does not have (a stale declaration)."""
    found = []
    for model in model_list:
        declaration = declaration_for(model) or Declaration()
        names = set()
        for model_field in model._meta.get_fields():
            if model_field.auto_created or not model_field.concrete:
                continue
            names.add(model_field.name)
            if looks_personal(model_field) and not declaration.covers(model_field.name):
                found.append(f"{model._meta.app_label}.{model.__name__}.{model_field.name}")
        if not hasattr(model, "instance_type"):
            for name in [*declaration.fields, *declaration.not_personal]:
                if name not in names:
                    found.append(f"{model._meta.app_label}.{model.__name__}.{name} (declared, but no such field)")
    return found


HEADERS = ("App", "Record", "Field", "Category", "Purpose", "Lawful basis", "Retention", "Who can see it")


def data_map_rows() -> list[tuple[str, ...]]:
    """One row per declared personal field of every model of our apps (history copies share their model's
    rows), in HEADERS' order: app verbose name, model verbose name, field verbose name with its name in
    brackets, category, purpose, lawful basis, retention record type (its RETENTION_KEYS label), who can see it.
    Sorted by app then model."""
    rows = []
    for model in our_models():
        declaration = declaration_for(model)
        if declaration is None or hasattr(model, "instance_type"):
            continue
        for name, spec in declaration.fields.items():
            rows.append(
                (
                    apps.get_app_config(model._meta.app_label).verbose_name,
                    str(model._meta.verbose_name).capitalize(),
                    f"{str(model._meta.get_field(name).verbose_name).capitalize()} ({name})",
                    spec.category,
                    spec.purpose,
                    spec.lawful_basis,
                    RETENTION_KEYS[spec.retention],
                    spec.visible_to,
                )
            )
    return sorted(rows, key=lambda row: (row[0], row[1]))
