"""The attendance register of a meeting: who is listed, its version, and the one service that saves it whole.

The rules (issue 14 "Attendance as the record prints it"; DOMAIN.md "Attendance prints as the record of who was
there, as they were then"): the register lists every member and substitute of the committee on the meeting's
date and everyone already recorded; each person is on it once; at most one person is in the chair; a substitute
names a member of the committee who is not also present, and a member has one substitute; a capacity (Chairman,
in the Chair) belongs to someone present. Names are kept as they stood at the meeting: a row's name as recorded is
filled from the person when first recorded and never rewritten unless the clerk types another. Signed minutes
freeze the register (meetings/freeze.py). Saving is all or nothing, row by row so each change has its history.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from kcsp.directory import person_check
from kcsp.locking import Change
from kcsp.models import Organisation, Person, User

from .freeze import minutes_frozen_check
from .models import Attendance, Meeting, Membership, OfficeTerm
from .numbering import meeting_lock

Kind, Capacity = Attendance.Kind, Attendance.Capacity
SEATED = (Kind.PRESENT, Kind.SUBSTITUTE)  # counted for quorum; may hold a capacity
THERE = (*SEATED, Kind.ALSO_PRESENT, Kind.IN_ATTENDANCE)
IN_THE_CHAIR = (Capacity.CHAIR, Capacity.VICE_CHAIR_IN_CHAIR, Capacity.IN_CHAIR)
STATE_FIELDS = ("kind", "capacity", "substitute_for_id", "name_as_recorded", "role_text", "organisation_id")
MAX_TEXT = 200


@dataclass(frozen=True)
class Entry:
    """One person listed on the register: their membership on the meeting's date (if any) and their row (if any)."""

    person: Person
    membership: Membership | None = None
    row: Attendance | None = None

    @property
    def is_member(self) -> bool:
        return self.membership is not None


@dataclass(frozen=True)
class RegisterRow:
    """What the clerk marked for one person; `kind` "" is "not recorded" (no row)."""

    person: Person
    kind: str
    capacity: str = ""
    substitute_for: Person | None = None
    name_as_recorded: str = ""
    role_text: str = ""
    organisation: Organisation | None = None


@dataclass(frozen=True)
class Problem:
    """A broken rule: whose row (person id, or None for the register as a whole), which of its fields, the message."""

    person_id: int | None
    field: str
    message: str


class RegisterRefused(ValidationError):
    """The register was not saved: `problems` name each broken rule and the row it is on."""

    def __init__(self, problems: list[Problem]):
        super().__init__([p.message for p in problems], code="register")
        self.problems = problems


class StaleRegister(Exception):
    """Someone else saved the register since this form was opened: nothing was saved.

    `changes` (kcsp.locking.Change: label is the person's name) lists each person whose row differs from when the
    form was opened (before None when history cannot tell), `saved` every row as saved now, `opened` {person id:
    state} as opened (None when unknown), `version` the register's version now, `by`/`at` the last save."""

    def __init__(self, *, changes, saved, opened, version, by=None, at=None):
        super().__init__("Someone else changed this attendance register since you opened it")
        self.changes, self.saved, self.opened, self.version, self.by, self.at = changes, saved, opened, version, by, at
        self.refreshed: list[str] = []

    @property
    def message(self) -> str:
        return (
            "Someone else changed this attendance register since you opened it. Your changes are below and have "
            "not been saved: check them against the saved register, then save again."
        )


def members_on(meeting: Meeting):
    """Memberships of the meeting's committee current on the meeting's date (members and substitutes)."""
    return (
        Membership.objects.current(meeting.date)
        .filter(committee_id=meeting.committee_id)
        .select_related("person", "organisation")
    )


def register_entries(meeting: Meeting, extra: tuple[Person, ...] = ()) -> list[Entry]:
    """Everyone the register lists: members and the chair and vice-chair in office on the meeting's date (by surname),
    then substitutes, then everyone else recorded and `extra` (a person just added from the register); each person
    once. An office holder need not be a member (the demo's vice-chairman is not), yet takes the chair: the register
    must list them so their capacity can be marked."""
    rows = {row.person_id: row for row in meeting.attendance.select_related("person", "organisation")}
    memberships: dict[int, Membership] = {}
    for membership in members_on(meeting):
        known = memberships.get(membership.person_id)
        if known is None or (known.kind != Membership.Kind.MEMBER and membership.kind == Membership.Kind.MEMBER):
            memberships[membership.person_id] = membership
    people = {m.person_id: m.person for m in memberships.values()}
    officers = {
        term.person_id: term.person
        for term in OfficeTerm.objects.current(meeting.date)
        .filter(committee_id=meeting.committee_id)
        .select_related("person")
    }
    people.update({pk: person for pk, person in officers.items() if pk not in people})
    people.update({row.person_id: row.person for row in rows.values()})
    people.update({p.pk: p for p in extra if p.pk not in people})

    def order(person):
        membership = memberships.get(person.pk)
        if membership is None:
            group = 0 if person.pk in officers else 2
        else:
            group = 0 if membership.kind == Membership.Kind.MEMBER else 1
        return (group, person.surname.lower(), person.initials, person.pk)

    return [Entry(p, memberships.get(p.pk), rows.get(p.pk)) for p in sorted(people.values(), key=order)]


def _state(row) -> dict:
    """A row (or a history record of one) as the register compares it."""
    return {name: getattr(row, name) for name in STATE_FIELDS}


def register_version(meeting: Meeting) -> str:
    """ "<24 hex>.<history id>": a hash of every row as saved, and the newest history record when it was read (to
    tell later what changed). Only the hash decides whether the register changed."""
    rows = sorted([row.person_id, *_state(row).values()] for row in meeting.attendance.all())
    digest = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:24]
    last = Attendance.history.filter(meeting_id=meeting.pk).aggregate(last=Max("history_id"))["last"] or 0
    return f"{digest}.{last}"


def _opened_states(meeting: Meeting, version: str) -> dict[int, dict] | None:
    """{person id: state} of the register as the form opened it, from history; None if the version cannot say."""
    head, _, tail = (version or "").partition(".")
    if not head or not tail.isdigit():
        return None
    latest: dict[int, object] = {}
    for record in Attendance.history.filter(meeting_id=meeting.pk, history_id__lte=int(tail)).order_by("history_id"):
        latest[record.id] = record
    return {r.person_id: _state(r) for r in latest.values() if r.history_type != "-"}


def describe(state: dict | None, names: dict[int, str]) -> str:
    """A row's state as a person reads it: "Present, Vice-Chairman, in the Chair; printed as Mr Rivers; …"."""
    if state is None:
        return "Not on the register"
    parts = [str(Kind(state["kind"]).label) if state["kind"] in Kind.values else state["kind"]]
    if state["capacity"]:
        parts[0] += f", {Capacity(state['capacity']).label}" if state["capacity"] in Capacity.values else ""
    if state["substitute_for_id"]:
        parts.append(f"for {names.get(state['substitute_for_id'], 'a member')}")
    parts.append(f"printed as {state['name_as_recorded'] or '(the person’s name)'}")
    if state["role_text"]:
        parts.append(state["role_text"])
    if state["organisation_id"]:
        parts.append(names.get(-state["organisation_id"], "an organisation"))
    return "; ".join(parts)


def _stale(meeting: Meeting, version: str, now: str) -> StaleRegister:
    rows = list(meeting.attendance.select_related("person", "organisation", "substitute_for"))
    current = {row.person_id: _state(row) for row in rows}
    opened = _opened_states(meeting, version)
    ids = set(current) | set(opened or {})
    ids |= {s["substitute_for_id"] for s in [*current.values(), *(opened or {}).values()] if s["substitute_for_id"]}
    people = Person.objects.in_bulk(ids)
    names = {pk: p.display_name for pk, p in people.items()}
    org_ids = {s["organisation_id"] for s in [*current.values(), *(opened or {}).values()] if s["organisation_id"]}
    names.update({-o.pk: o.name for o in Organisation.objects.filter(pk__in=org_ids)})
    changes = []
    if opened is not None:
        for pk in sorted(set(current) | set(opened), key=lambda pk: people[pk].surname.lower()):
            if current.get(pk) != opened.get(pk):
                label = names[pk]
                changes.append(Change(label, describe(opened.get(pk), names), describe(current.get(pk), names), pk))
    saved = [Change(names[r.person_id], None, describe(current[r.person_id], names), r.person_id) for r in rows]
    latest = Attendance.history.filter(meeting_id=meeting.pk).order_by("-history_id").first()
    return StaleRegister(
        changes=changes,
        saved=saved,
        opened=opened,
        version=now,
        by=getattr(latest, "history_user", None),
        at=getattr(latest, "history_date", None),
    )


def _check(meeting: Meeting, rows: list[RegisterRow], existing: dict[int, Attendance]) -> list[Problem]:
    problems: list[Problem] = []
    members = {m.person_id for m in members_on(meeting).filter(kind=Membership.Kind.MEMBER)}
    seen: set[int] = set()
    final = {pk: (row.kind, row.capacity, row.substitute_for_id) for pk, row in existing.items()}
    for row in rows:
        name = row.person.display_name
        if row.person.pk in seen:
            problems.append(
                Problem(
                    row.person.pk,
                    "person",
                    f"{name} is listed twice: a person is on the register only once. Mark them on their own row.",
                )
            )
            continue
        seen.add(row.person.pk)
        if row.kind not in ("", *Kind.values):
            problems.append(Problem(row.person.pk, "kind", f"Choose how {name} attended: one of the choices given"))
            continue
        if row.kind == "" and row.person.pk in existing:
            problems.append(
                Problem(
                    row.person.pk,
                    "kind",
                    f"Select how {name} attended: they are on the register (to take them off, use Remove)",
                )
            )
            continue
        final[row.person.pk] = (row.kind, row.capacity, row.substitute_for.pk if row.substitute_for else None)
        if row.capacity not in Capacity.values:
            problems.append(Problem(row.person.pk, "capacity", f"Choose {name}’s capacity: one of the choices given"))
        elif row.capacity and row.kind not in SEATED:
            problems.append(
                Problem(
                    row.person.pk,
                    "capacity",
                    f"Only someone present as a member or substitute "
                    f"has a capacity (Chairman, in the Chair): clear {name}’s or mark them present",
                )
            )
        for text, field, what in (
            (row.name_as_recorded, "name_as_recorded", "name as recorded"),
            (row.role_text, "role_text", "role"),
        ):
            if len(text) > MAX_TEXT:
                problems.append(
                    Problem(row.person.pk, field, f"The {what} of {name} must be {MAX_TEXT} characters or fewer")
                )
        if row.kind == Kind.SUBSTITUTE and row.substitute_for is None:
            problems.append(Problem(row.person.pk, "substitute_for", f"Select the member {name} substituted for"))
        elif row.kind != Kind.SUBSTITUTE and row.substitute_for is not None:
            problems.append(
                Problem(
                    row.person.pk,
                    "substitute_for",
                    f"Only a substitute substitutes for someone: "
                    f"clear who {name} substituted for, or mark them Present as substitute",
                )
            )
        elif row.substitute_for is not None and row.kind == Kind.SUBSTITUTE:
            member = row.substitute_for
            if member.pk == row.person.pk:
                problems.append(Problem(row.person.pk, "substitute_for", f"{name} cannot substitute for themselves"))
            elif member.pk not in members:
                problems.append(
                    Problem(
                        row.person.pk,
                        "substitute_for",
                        f"{name} substitutes for "
                        f"{member.display_name}, who is not a member of the committee on "
                        f"{meeting.date:%-d %B %Y}: a substitute names a member",
                    )
                )
    if problems:
        return problems
    substitutes: dict[int, list[int]] = {}
    for pk, (kind, _, member) in final.items():
        if kind == Kind.SUBSTITUTE and member is not None:
            substitutes.setdefault(member, []).append(pk)
    people = Person.objects.in_bulk([*final, *substitutes])
    for member, subs in sorted(substitutes.items()):
        member_name = people[member].display_name
        if final.get(member, ("",))[0] in THERE:
            for pk in subs:
                problems.append(
                    Problem(
                        pk,
                        "substitute_for",
                        f"{people[pk].display_name} substitutes for "
                        f"{member_name}, who is marked as there: a substitute names a member who "
                        "is not also present",
                    )
                )
        if len(subs) > 1:
            who = " and ".join(people[pk].display_name for pk in subs)
            problems.append(
                Problem(
                    subs[-1], "substitute_for", f"{who} both substitute for {member_name}: a member has one substitute"
                )
            )
    chairing = [pk for pk, (kind, capacity, _) in final.items() if kind in SEATED and capacity in IN_THE_CHAIR]
    if len(chairing) > 1:
        who = " and ".join(sorted(people[pk].display_name for pk in chairing))
        problems.append(
            Problem(
                chairing[-1],
                "capacity",
                f"Only one person can be in the chair: {who} are both marked as Chairman or in the Chair",
            )
        )
    return problems


def _organisation(row: RegisterRow, meeting: Meeting) -> Organisation | None:
    if row.organisation is not None:
        return row.organisation
    membership = members_on(meeting).filter(person=row.person).order_by("kind").first()
    return membership.organisation if membership is not None else row.person.organisation


def _taking_place_check(meeting: Meeting) -> None:
    """No register for a meeting called off (cancelled, or postponed until it is rescheduled): nobody attended it,
    and attending would open the meeting and its circulated minutes to them (access.attended_q)."""
    if meeting.is_called_off:
        raise ValidationError(
            f"The meeting is {meeting.get_status_display().lower()}: no attendance is recorded for it.",
            code="called_off",
        )


@transaction.atomic
def attendance_register_save(
    *, meeting: Meeting, rows: list[RegisterRow], user: User | None, version: str | None = None
) -> dict[str, int]:
    """Save the register of `meeting` as marked in `rows` (people not in `rows` are left as they are).

    All or nothing. Raises ValidationError (code "frozen") once the minutes are signed; StaleRegister when
    `version` (from register_version when the form was opened) is given and the register has changed since; and
    RegisterRefused naming every broken rule (module docstring). A blank name as recorded is filled from the
    person (or kept, on a row already recorded); a blank organisation from the membership, else the person's.
    Returns {"added": n, "changed": n} (rows saved one by one, each with its history; `user` is the history's).
    """
    meeting = meeting_lock(meeting.pk)
    minutes_frozen_check(meeting)
    _taking_place_check(meeting)
    if version is not None:
        now = register_version(meeting)
        if now.partition(".")[0] != version.partition(".")[0]:
            raise _stale(meeting, version, now)
    existing = {row.person_id: row for row in meeting.attendance.select_for_update()}
    problems = _check(meeting, rows, existing)
    if problems:
        raise RegisterRefused(problems)
    own_names = {pk: row.name_as_recorded for pk, row in existing.items() if row.name_as_recorded}
    own_names.update({r.person.pk: r.name_as_recorded.strip() for r in rows if r.kind and r.name_as_recorded.strip()})
    counts = {"added": 0, "changed": 0}
    for row in rows:
        if not row.kind:
            continue
        current = existing.get(row.person.pk)
        attendance = current or Attendance(meeting=meeting, person=row.person)
        before = _state(attendance) | {"substitute_for_name": attendance.substitute_for_name}
        name = row.name_as_recorded.strip() or (current.name_as_recorded if current else "")
        attendance.kind, attendance.capacity = row.kind, row.capacity
        attendance.name_as_recorded = name or row.person.display_name
        attendance.role_text = row.role_text.strip()
        attendance.organisation = _organisation(row, meeting)
        member = row.substitute_for
        if member is None:
            attendance.substitute_for, attendance.substitute_for_name = None, ""
        elif current is None or current.substitute_for_id != member.pk or not current.substitute_for_name:
            attendance.substitute_for = member
            attendance.substitute_for_name = own_names.get(member.pk) or member.display_name
        attendance.sent_online = attendance.sent_online and row.kind == Kind.APOLOGIES
        if current is not None and before == _state(attendance) | {
            "substitute_for_name": attendance.substitute_for_name
        }:
            continue
        attendance.full_clean()
        if user is not None:
            attendance._history_user = user
        attendance.save()
        counts["changed" if current else "added"] += 1
    return counts


@transaction.atomic
def register_person_add(*, meeting: Meeting, person: Person, user: User | None = None) -> Person:
    """Add a person who is not yet known, from the register of `meeting` (which then lists them); refused once the
    minutes are signed, since they could not be put on the register."""
    meeting = meeting_lock(meeting.pk)
    minutes_frozen_check(meeting)
    _taking_place_check(meeting)
    person_check(person)  # the directory's rules: surname, initials letters only, no likely duplicate
    person.full_clean()
    if user is not None:
        person._history_user = user
    person.save()
    return person
