"""Demo data for the partnership core, loaded from the project's own data files, its dates placed around a day.

`demo_partnership_load(today)` places the 2022 papers so that `today` reads as mid-year (kcsp/demo_clock.py); the
rows whose dates move are marked as the demo's (kcsp/demo_records.py) and replaced when a later week loads it
again; organisations, people and logins are updated in place. `today=None` keeps the papers' own 2022 dates
(the tests that quote them); `manage.py demo` passes the real date.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .demo_clock import DemoClock
from .demo_records import demo_placed_for, demo_records_delete
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
def demo_partnership_load(today: datetime.date | None = None) -> list[DemoLogin]:
    """Create or update organisations, people and one login per role, and the demo's business placed around
    `today` (None: the papers' own dates); safe to run again, on the same day or a later one."""
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

    _business_place(people, DemoClock.for_today(today))

    from dhr.demo import demo_dhr_load

    dhr_notes = demo_dhr_load(today)
    logins = [DemoLogin(x.role, x.email, x.full_name, tuple(dhr_notes.get(x.email, ()))) for x in logins]
    return [DemoLogin(x.role, x.email, x.full_name, x.notes + _enrolment_notes(x.email)) for x in logins]


def _business_place(people: dict, clock: DemoClock) -> None:
    """Meetings, the agreement and the grant years for `clock`: kept if already placed this week, else the demo's
    own rows are deleted and made again (never a user's)."""
    from agreement.demo import demo_agreement_load
    from grants.demo import demo_grants_load
    from meetings.demo import demo_meetings_load

    if demo_placed_for() == clock.placed_for or demo_old_rows_note():
        return  # placed this week already; or the old demo's rows are there (placing now would duplicate them)
    demo_records_delete()
    demo_meetings_load(people, clock)
    demo_agreement_load(clock)
    demo_grants_load(clock)


def demo_old_rows_note() -> str:
    """'' unless this database holds meetings of the demo as loaded before issue 16 (meetings.demo.old_demo_meetings:
    the papers' meetings on their own 2022 dates, not marked as the demo's); then what was found and what to do.

    That demo marked none of its rows, so they cannot be told from work a user did on them: the demo's business is
    not placed over them (its meetings would be duplicated, a year later), and nothing is deleted or adopted."""
    from meetings.demo import old_demo_meetings

    found = list(old_demo_meetings())
    if not found:
        return ""
    names = "; ".join(f"{m.committee} {m.date:%-d %B %Y}" for m in found)
    return (
        f"This database holds the demo as loaded before its dates followed today ({names}), and those rows are not "
        "marked as the demo's, so they are left as they are and the demo's meetings, agreement and grant years "
        "are not placed around today (that would duplicate them). Logins were updated. To see the demo placed "
        "around today, load it into a new database: set DATABASE_URL to an empty PostgreSQL database (or drop "
        "this one if nothing in it needs keeping) and run `make run` again."
    )


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
