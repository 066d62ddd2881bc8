"""Demo data for the partnership core, loaded from the project's own data files."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Organisation, Person, User

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_PASSWORD = "kcsp-demo-2022"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    notes: tuple[str, ...] = ()


def load_json(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def demo_partnership_load() -> list[DemoLogin]:
    """Create or update organisations, people and one login per role; safe to run again."""
    data = load_json("partnership.json")
    organisations = {}
    for row in data["organisations"]:
        organisation, _ = Organisation.objects.update_or_create(
            name=row["name"],
            defaults={
                "short_name": row["short_name"],
                "kind": row["kind"],
                "org_type": row.get("org_type", Organisation.OrgType.OTHER),
                # Only codes known to be on the register (Kent County Council is KEN); no invented numbers.
                "local_authority_code": row.get("local_authority_code", ""),
            },
        )
        organisations[organisation.name] = organisation

    people = {}
    for row in data["people"]:
        person, _ = Person.objects.update_or_create(
            surname=row["surname"],
            initials=row.get("initials", ""),
            defaults={
                "title": row.get("title", ""),
                "forenames": row.get("forenames", ""),
                "job_title": row.get("job_title", ""),
                "email": row.get("email", ""),
                "organisation": organisations.get(row.get("organisation", "")),
            },
        )
        people[row["key"]] = person

    logins = []
    for row in data["logins"]:
        user = User.objects.filter(email__iexact=row["email"]).first() or User(email=row["email"])
        user.full_name = row["full_name"]
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=[row["role"], *row.get("extra_roles", [])]))
        if row["person"]:
            person = people[row["person"]]
            person.user = user
            person.save(update_fields=["user"])
        logins.append(DemoLogin(row.get("label", row["role"]), user.email, user.full_name))

    from meetings.demo import demo_meetings_load

    demo_meetings_load(people)

    from agreement.demo import demo_agreement_load

    demo_agreement_load()

    from grants.demo import demo_grants_load

    demo_grants_load()

    from dhr.demo import demo_dhr_load

    dhr_notes = demo_dhr_load()
    logins = [DemoLogin(x.role, x.email, x.full_name, tuple(dhr_notes.get(x.email, ()))) for x in logins]
    return [DemoLogin(x.role, x.email, x.full_name, x.notes + _enrolment_notes(x.email)) for x in logins]


def _enrolment_notes(email: str) -> tuple[str, ...]:
    """A login that needs a one-time code but has no app yet gets a fresh enrolment code, printed once."""
    from django_otp import user_has_device

    from .enrolment import enrolment_code_issue
    from .models import EnrolmentCode
    from .roles import ADMIN, DHR_CLEARED, has_role

    user = User.objects.get(email__iexact=email)
    if not has_role(user, ADMIN, DHR_CLEARED) or user_has_device(user):
        return ()
    code = enrolment_code_issue(user=user, via=EnrolmentCode.Via.COMMAND)
    return (
        f"{user.email} needs a one-time code for its pages: sign in, open 'Set up two-factor authentication' "
        f"on the account page and enter the enrolment code {code} (valid {settings.ENROLMENT_CODE_HOURS} hours).",
    )
