"""Demo Domestic Homicide Reviews: three fictional cases at different stages, and the demo DHR login's authenticator."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kcsp.models import Organisation, User

from .models import (
    ActionUpdate,
    AgencyAction,
    Case,
    CaseCost,
    Escalation,
    Extension,
    FundingContribution,
    FundingYear,
    LessonEvent,
    PanelMember,
    Recommendation,
    RelatedReview,
)
from .services import case_due_dates_refresh

DATA = Path(__file__).resolve().parent / "demo_data" / "cases.json"
CASE_DATES = (
    "date_of_death",
    "notified_on",
    "decision_on",
    "chair_appointed_on",
    "submitted_on",
    "qa_outcome_on",
    "published_on",
)


def _day(row: dict, name: str, today: datetime.date) -> datetime.date | None:
    """A date given as ISO text, or as `<name>_days_ago` counted back from today."""
    stem = name.removesuffix("_on")
    if f"{stem}_days_ago" in row:
        return today - datetime.timedelta(days=row[f"{stem}_days_ago"])
    if f"{name}_days_ago" in row:
        return today - datetime.timedelta(days=row[f"{name}_days_ago"])
    return datetime.date.fromisoformat(row[name]) if row.get(name) else None


def _organisation(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _load_actions(case, recommendation, row, today, user):
    for a in row.get("actions", []):
        action = AgencyAction.objects.create(
            recommendation=recommendation,
            organisation=_organisation(a["organisation"]),
            owner=a["owner"],
            action=a["action"],
            set_on=_day(a, "set_on", today),
            due_on=_day(a, "due_on", today),
            status=a["status"],
            completed_on=_day(a, "completed_on", today),
        )
        for u in a["updates"]:
            ActionUpdate.objects.create(
                action=action, given_on=_day(u, "given_on", today), text=u["text"], status=u["status"], recorded_by=user
            )


def _load_case(row: dict, today: datetime.date, user: User) -> Case:
    fields = {name: _day(row, name, today) for name in CASE_DATES}
    fields |= {
        key: row.get(key, "")
        for key in ("csp_area", "status", "decision", "decision_rationale", "chair", "victim_summary")
        + ("perpetrator_summary", "qa_outcome", "published_url")
    }
    fields["is_listed_publicly"] = row.get("listed_publicly", False)
    case, _ = Case.objects.update_or_create(pseudonym=row["pseudonym"], year=row["year"], defaults=fields)
    for related in (
        case.panel,
        case.related_reviews,
        case.extensions,
        case.recommendations,
        case.escalations,
        case.costs,
    ):
        related.all().delete()
    for p in row.get("panel", []):
        PanelMember.objects.create(
            case=case, name=p["name"], organisation=_organisation(p["organisation"]), role_on_panel=p["role_on_panel"]
        )
    for r in row.get("related_reviews", []):
        RelatedReview.objects.create(case=case, **r)
    for e in row.get("extensions", []):
        Extension.objects.create(
            case=case,
            milestone=e["milestone"],
            new_due_on=datetime.date.fromisoformat(e["new_due_on"]),
            agreed_on=datetime.date.fromisoformat(e["agreed_on"]),
            reason=e["reason"],
            recorded_by=user,
        )
    for r in row.get("recommendations", []):
        recommendation = Recommendation.objects.create(
            case=case,
            number=r["number"],
            level=r["level"],
            text=r["text"],
            organisation=_organisation(r["organisation"]) if r.get("organisation") else None,
        )
        _load_actions(case, recommendation, r, today, user)
    for e in row.get("escalations", []):
        action = AgencyAction.objects.open().filter(
            recommendation__case=case, recommendation__number=e["recommendation"]
        )
        Escalation.objects.create(
            case=case,
            action=action.first(),
            escalated_on=_day(e, "escalated_on", today),
            escalated_to=e["escalated_to"],
            reason=e["reason"],
            outcome=e["outcome"],
            recorded_by=user,
        )
    for c in row.get("costs", []):
        CaseCost.objects.create(
            case=case,
            kind=c["kind"],
            description=c["description"],
            amount=Decimal(c["amount"]),
            incurred_on=_day(c, "incurred_on", today),
        )
    case.full_clean()
    return case_due_dates_refresh(case=case)


def _authenticator(spec: dict) -> list[str]:
    """Give the demo DHR login a known authenticator secret and a backup code, and say how to use them."""
    user = User.objects.get(email__iexact=spec["email"])
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name="Demo authenticator", defaults={"key": spec["key_hex"], "confirmed": True}
    )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    backup, _ = StaticDevice.objects.get_or_create(user=user, name="Demo backup code")
    backup.token_set.all().delete()
    backup.token_set.create(token=spec["backup_token"])
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return [
        f"{user.email} needs a one-time code after the password (two-factor authentication).",
        f"  Authenticator key: {secret}  (time-based, 6 digits)",
        f"  otpauth URL: {device.config_url}",
        f"  Single-use backup code: {spec['backup_token']} (reset on every demo load)",
    ]


@transaction.atomic
def demo_dhr_load(today: datetime.date | None = None) -> dict[str, list[str]]:
    """Load the fictional cases, funding and lessons; returns, per DHR login's e-mail, how to sign in as it.

    Three logins have authenticators: the DHR-cleared user, the DHR clerk (an officer who is also
    DHR-cleared, the only kind of user who writes the minutes of DHR items) and the data protection officer
    (DHR-cleared, so that DHR records reach the disposal and subject-access pages once a code is entered).
    """
    data = json.loads(DATA.read_text(encoding="utf-8"))
    today = today or timezone.localdate()  # the cases' dates are counted back from it (`*_days_ago`)
    user = User.objects.get(email__iexact=data["totp"]["email"])
    cases = {str(case): case for case in (_load_case(row, today, user) for row in data["cases"])}
    for row in data["funding_years"]:
        year, _ = FundingYear.objects.update_or_create(starts_in=row["starts_in"], defaults={"notes": row["notes"]})
        for c in row["contributions"]:
            FundingContribution.objects.update_or_create(
                funding_year=year,
                organisation=_organisation(c["organisation"]),
                defaults={"amount_agreed": Decimal(c["agreed"]), "amount_received": Decimal(c["received"])},
            )
    for row in data["lessons"]:
        event, _ = LessonEvent.objects.update_or_create(
            title=row["title"],
            defaults={k: row[k] for k in ("kind", "audience", "attendance")}
            | {"held_on": datetime.date.fromisoformat(row["held_on"])},
        )
        event.cases.set([cases[name] for name in row["cases"]])
    return {spec["email"]: _authenticator(spec) for spec in (data["totp"], data["clerk_totp"], data["dpo_totp"])}
