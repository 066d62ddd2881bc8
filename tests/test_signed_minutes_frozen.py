"""A signed record refuses every change through every URL (issue 14, "Done when").

A meeting with public, restricted and DHR minutes, a procedural minute, attendance, declarations and actions is
signed through the real signing service (its SignedMinutes rows and first PDFs made). Every row of the record is
snapshotted, with its history. Then every URL of the permission matrix whose object can be the signed meeting or
one of its rows (built for that meeting, each of its minutes, attendance rows, actions, items and packs), and the
admin's change, delete and history pages of every registered model that can reach them, are opened and posted
(empty, the form as the page shows it, with one field changed, and with every field filled in, as
tests/test_no_lost_update.py drives forms) as an officer, the chair who signed, an administrator and a DHR clerk.
Nothing may answer 500, and afterwards the record is exactly as signed: only an action's status and progress
(followed up after signing) and the meeting's contact details (not part of the record) may have changed.
"""

# ruff: noqa: F811  (pytest fixtures)

import datetime

import pytest
from django import forms
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from kcsp import roles
from kcsp.dates import GovDateField
from kcsp.models import Organisation, Person, User
from kcsp.testing import otp_verify
from kcsp.tests.factories import OrganisationFactory, PersonFactory
from meetings import minuting
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Declaration,
    Meeting,
    Minute,
    MinuteAmendment,
    OfficeTerm,
    SignedMinutes,
)
from meetings.tests.factories import CommitteeFactory
from meetings.tests.forward_plan_world import entry_for
from meetings.tests.record_helpers import add, meeting_on, sign

from .test_no_lost_update import PostForms, change_for, page_form
from .test_permission_matrix import ROUTES

pytestmark = pytest.mark.django_db

CLERK = "DHR clerk"
WALKERS = (roles.OFFICER, roles.CHAIR, roles.ADMIN, CLERK)
# The meeting's fields its signed minutes print or the signature records (the trigger of migration 0009 freezes
# the same, with migration 0013's end time, replacement link and after-the-event flag): its contact details are
# not part of the record and may still be corrected.
MEETING_RECORD = (
    "committee_id",
    "starts_at",
    "ends_at",
    "replaces_id",
    "recorded_after_event",
    "venue_kind",
    "venue",
    "status",
    "minutes_approved_at_meeting_id",
    "minutes_signed_by_id",
    "minutes_signed_at",
    "minutes_signed_by_person_id",
    "minutes_signed_name",
    "minutes_start_number",
)
ACTION_RECORD = ("id", "minute_id", "text", "owner_id", "owner_name", "due_on")
SIGNED_RECORD = ("id", "meeting_id", "kind", "content", "content_sha256", "signed_at", "first_pdf", "first_sha256")
# Route objects that are not the record nor lead to it (papers and their parts, terms, memberships): a new
# route of the meetings app must be built below or declared here, so the walk cannot skip it unseen.
NOT_THE_RECORD = {
    "written_paper",
    "restricted_paper",
    "section",
    "appendix",
    "terms",
    "membership",
    "forward_plan_entry",  # a forward plan entry: planned business, never part of a meeting's record
    # A member's private notes on a pack and their reading position in it: theirs alone, never part of the record.
    "member_note",
    "spare_note",
    "restricted_pack_pk",
}
MUST_WALK = {
    "meetings:meeting_edit",
    "meetings:attendance",
    "meetings:attendance_delete",
    "meetings:declaration_create",
    "meetings:minute_create",
    "meetings:minute_edit",
    "meetings:minute_move",
    "meetings:minute_delete",
    "meetings:minutes_start",
    "meetings:minutes_approve",
    "meetings:action_create",
    "meetings:action_edit",
    "meetings:item_edit",
    "meetings:item_delete",
    "meetings:office_edit",
    "meetings:office_end",
}
# Models whose admin pages could reach the record: its own, and the people, accounts and organisations it names.
RECORD_MODELS = (Meeting, Minute, Attendance, Declaration, Action, SignedMinutes)
NAMED_MODELS = (Person, User, Organisation)


@pytest.fixture
def signed(make_user, settings, tmp_path, django_capture_on_commit_callbacks):
    """A March meeting's minutes signed at July's meeting, with every kind of row of the record."""
    settings.MEDIA_ROOT = tmp_path
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    march, july = meeting_on(committee, 2022, 3, 24), meeting_on(committee, 2022, 7, 14)
    public = AgendaItem.objects.create(meeting=march, section="B", position=1, title="Working Group Update")
    restricted = AgendaItem.objects.create(
        meeting=march, section="D", position=1, title="Prevent", restriction_reason="prevent"
    )
    dhr = AgendaItem.objects.create(meeting=march, section="D", position=2, title="Osprey", restriction_reason="dhr")
    chair = make_user(roles.CHAIR, full_name="Roger Rivers")
    police, council = OrganisationFactory(name="Kent Police"), OrganisationFactory(name="Kent County Council")
    rivers = PersonFactory(user=chair, title="Mr", initials="R", surname="Rivers", organisation=council)
    brinson = PersonFactory(title="Ms", initials="S", surname="Brinson", organisation=police)
    taylor = PersonFactory(title="Mrs", initials="A", surname="Taylor", organisation=council)
    absent = PersonFactory(title="Cllr", initials="J", surname="Absent", organisation=council)
    PersonFactory(title="Dr", initials="B", surname="Abbott", organisation=police)  # first offered, not there
    for person, kind, extra in (
        (rivers, "present", {"capacity": "chair"}),
        (brinson, "present", {}),
        (taylor, "in_attendance", {"role_text": "Community Safety Manager"}),
        (absent, "apologies", {}),
    ):
        Attendance.objects.create(  # as the register records them (meetings/register.py), before signing
            meeting=march,
            person=person,
            organisation=person.organisation,
            kind=kind,
            name_as_recorded=person.display_name,
            **extra,
        )
    minuting.declaration_save(
        declaration=Declaration(meeting=march, person=brinson, item=public, interest="Chairs a funded charity.")
    )
    minuting.declaration_save(
        declaration=Declaration(
            meeting=march, person=taylor, item=dhr, interest="Knew the family.", interest_kind="pecuniary"
        )
    )
    add(march, "Chairman", text="Mr Rivers took the chair.")
    minutes = {
        "public": add(march, "Working Group Update", item=public, text="RESOLVED that\n(a) noted\n(b) agreed"),
        "restricted": add(march, "Prevent Duty Delivery Board", item=restricted, text="RESOLVED that it be noted."),
        "dhr": add(march, "DHR Osprey", item=dhr, text="RESOLVED that the review be published."),
    }
    for kind, minute in minutes.items():
        minuting.action_save(
            action=Action(
                minute=minute, text=f"Follow up the {kind} item", owner=taylor, due_on=datetime.date(2022, 7, 14)
            )
        )
    for status in ("accepted", "rejected"):  # decided before signing, shown beside the signed record
        MinuteAmendment.objects.create(
            minute=minutes["public"],
            proposed_by=chair,
            proposer_name="Mr R Rivers",
            based_on_text="x",
            proposed_text="y",
            status=status,
            decided_by=chair,
            decision_reason="Decided at the meeting.",
        )
    # Mr Rivers is the chair by office too: correcting or ending his term must leave what he signed as it was.
    OfficeTerm.objects.create(committee=committee, person=rivers, office="chair", starts_on=datetime.date(2021, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        sign(march, at_meeting=july, chair=chair)
    assert set(march.signed_minutes.values_list("kind", flat=True)) == {"public", "restricted", "dhr"}
    assert all(record.first_sha256 for record in march.signed_minutes.all()), "the first PDFs were made"
    return {"meeting": march, "chair": chair, "people": [rivers, brinson, taylor, absent], "items": [public, dhr]}


def snapshot(meeting: Meeting) -> dict:
    """Every row of the record and its history (for actions and the meeting: the recorded fields' history)."""
    minute_ids = list(Minute.objects.filter(meeting=meeting).values_list("pk", flat=True))
    return {
        "minutes": list(Minute.objects.filter(meeting=meeting).order_by("pk").values()),
        "attendance": list(Attendance.objects.filter(meeting=meeting).order_by("pk").values()),
        "declarations": list(Declaration.objects.filter(meeting=meeting).order_by("pk").values()),
        "actions": list(Action.objects.filter(minute__meeting=meeting).order_by("pk").values(*ACTION_RECORD)),
        "meeting": Meeting.objects.filter(pk=meeting.pk).values(*MEETING_RECORD).get(),
        "signed": list(SignedMinutes.objects.filter(meeting=meeting).order_by("pk").values(*SIGNED_RECORD)),
        "amendments": list(MinuteAmendment.objects.filter(minute__meeting=meeting).order_by("pk").values()),
        "minute history": Minute.history.filter(meeting_id=meeting.pk).count(),
        "attendance history": Attendance.history.filter(meeting_id=meeting.pk).count(),
        "declaration history": Declaration.history.filter(meeting_id=meeting.pk).count(),
        "signed history": SignedMinutes.history.filter(meeting_id=meeting.pk).count(),
        "action history": set(Action.history.filter(minute_id__in=minute_ids).values_list(*ACTION_RECORD)),
        "meeting history": set(Meeting.history.filter(id=meeting.pk).values_list(*MEETING_RECORD)),
    }


def differences(before: dict, after: dict) -> list[str]:
    changed = [part for part in before if before[part] != after[part]]
    return [f"{part} changed: {before[part]!r} -> {after[part]!r}"[:600] for part in changed]


def route_variants(signed) -> dict[str, list]:
    """Each route object the matrix names, built for the signed meeting and each of its rows."""
    meeting = signed["meeting"]
    minutes = list(meeting.minutes.order_by("number"))
    items = list(meeting.items.order_by("section", "position"))
    items_either_way = [{"pk": i.pk, "direction": d} for i in items for d in ("up", "down")]
    packs = [{"pk": meeting.pk, "kind": kind} for kind in ("public", "restricted", "dhr", "minutes")]
    return {
        "published": [{"pk": meeting.pk}],
        "held": [{"pk": meeting.pk}],
        "minute": [{"pk": m.pk} for m in minutes],
        "minute_move": [{"pk": m.pk, "direction": d} for m in minutes for d in ("up", "down")],
        "attendance": [{"pk": pk} for pk in meeting.attendance.values_list("pk", flat=True)],
        "action": [{"pk": pk} for pk in Action.objects.filter(minute__meeting=meeting).values_list("pk", flat=True)],
        "public_item": [{"pk": i.pk} for i in items],
        "dhr_item": [{"pk": i.pk} for i in items if i.is_dhr],
        "move_down": items_either_way,
        "restricted_pack": packs,
        "restricted_pack_file": packs,
        "committee": [{"slug": meeting.committee.slug}],
        # The committee's agenda layout: new agendas follow it; a signed record keeps its items' codes and titles.
        "committee_section": [{"pk": pk} for pk in meeting.committee.agenda_sections.values_list("pk", flat=True)],
        "standard_item": [{"pk": pk} for pk in meeting.committee.standard_items.values_list("pk", flat=True)],
        "signed": [{"pk": meeting.pk}],  # errata are added beside the record, never into it
        "signed_restricted_part": [{"pk": meeting.pk, "kind": kind} for kind in ("public", "restricted", "dhr")],
        # The committee's chair and vice-chair terms: the signing chose its signatory with them (signing.chairing).
        "office_term": [
            {"pk": pk} for pk in OfficeTerm.objects.filter(committee=meeting.committee).values_list("pk", flat=True)
        ],
        "amendment": [
            {"pk": pk} for pk in MinuteAmendment.objects.filter(minute__meeting=meeting).values_list("pk", flat=True)
        ],
        # An entry of the committee's forward plan offered to the signed meeting's agenda (refused: not a draft).
        "forward_plan_suggestion": [{"pk": meeting.pk, "entry": entry_for(meeting).pk}],
    }


def walk_urls(signed) -> list[tuple[str, str, str]]:
    """(route name, url, method) of every route that can point at the signed record."""
    variants, urls, unknown = route_variants(signed), [], []
    for name, route in sorted(ROUTES.items()):
        if route.kwargs in variants:
            urls += [(name, reverse(name, kwargs=kwargs), route.method) for kwargs in variants[route.kwargs]]
        elif name.startswith("meetings:") and route.kwargs and route.kwargs not in NOT_THE_RECORD:
            unknown.append(f"{name} ({route.kwargs})")
    assert not unknown, f"routes whose objects may be the signed record: build them in route_variants: {unknown}"
    return urls + admin_urls(signed)


def admin_urls(signed) -> list[tuple[str, str, str]]:
    meeting = signed["meeting"]
    rows = {
        Meeting: [meeting],
        Minute: list(meeting.minutes.all()),
        Attendance: list(meeting.attendance.all()),
        Declaration: list(meeting.declarations.all()),
        Action: list(Action.objects.filter(minute__meeting=meeting)),
        SignedMinutes: list(meeting.signed_minutes.all()),
        Person: signed["people"],
        User: [signed["chair"]],
        Organisation: list({p.organisation for p in signed["people"]}),
    }
    urls = []
    for model in (*RECORD_MODELS, *NAMED_MODELS):
        if model not in admin.site._registry:
            continue
        for row in rows[model]:
            for view in ("change", "delete", "history"):
                name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
                try:
                    urls.append((name, reverse(name, args=[row.pk]), "get"))
                except NoReverseMatch:
                    continue  # the admin leaves this page out for the model
    return urls


class PageForms(PostForms):
    """PostForms that also keeps each form's action, to find the page's own form (not the header's sign-out)."""

    def __init__(self, html: str):
        self.actions = []
        super().__init__(html)

    def handle_starttag(self, tag, attrs):
        if tag == "form" and (dict(attrs).get("method") or "").lower() == "post":
            self.actions.append(dict(attrs).get("action") or "")
        super().handle_starttag(tag, attrs)


def own_form_data(html: str, url: str) -> dict[str, list[str]] | None:
    parsed = PageForms(html)
    for action, pairs in zip(parsed.actions, parsed.forms, strict=True):
        if action in ("", url):
            data: dict[str, list[str]] = {}
            for name, value in pairs:
                data.setdefault(name, []).append(value)
            return data
    return None


def filled(form, pick: int = 0, required_only: bool = False) -> dict[str, list[str]]:
    """A value for every field the form lets one change (or only the required ones, the others left as shown):
    the first choice offered (`pick` -1: the last), a date, a number, text."""
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if field.disabled or field.widget.is_hidden or isinstance(field, forms.FileField):
            continue
        if required_only and not field.required:
            continue
        if isinstance(field, GovDateField):
            data.update({f"{key}_day": ["1"], f"{key}_month": ["1"], f"{key}_year": ["2031"]})
        elif isinstance(field, forms.ChoiceField):
            values = [str(value) for value, _ in field.choices if str(value)]
            data[key] = [values[pick]] if values else []
        elif isinstance(field, forms.BooleanField):
            data[key] = ["on"]
        elif isinstance(field, forms.IntegerField | forms.DecimalField):
            data[key] = ["7"]
        elif isinstance(field, forms.DateField):
            data[key] = ["2031-01-01"]
        elif isinstance(field, forms.TimeField):
            data[key] = ["10:00"]
        elif isinstance(field, forms.EmailField):
            data[key] = ["walk@example.org"]
        elif isinstance(field, forms.CharField):
            data[key] = ["Changed in the walk"]
    return data


def clients_for(signed, make_user) -> dict[str, Client]:
    from django.contrib.auth.models import Group

    users = {roles.OFFICER: make_user(roles.OFFICER), roles.CHAIR: signed["chair"], roles.ADMIN: make_user(roles.ADMIN)}
    users[CLERK] = make_user(roles.OFFICER)
    users[CLERK].groups.add(Group.objects.get(name=roles.DHR_CLEARED))
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
        if role in (roles.ADMIN, CLERK):
            otp_verify(clients[role], user)
        clients[role].user = user
    return clients


def send(client, method: str, url: str, data=None):
    """One request in its own savepoint: a database refusal the view let through is a 500, and the walk goes on."""
    try:
        with transaction.atomic():
            return getattr(client, method)(url, data or {}), None
    except Exception as error:  # noqa: BLE001  (any exception out of a view is the 500 this walk looks for)
        return None, f"{type(error).__name__}: {str(error)[:200]}"


def posts_for(response, url: str) -> list[tuple[str, dict]]:
    """The POSTs to try on a page: empty, its own form as shown, one field changed, every field filled in."""
    posts = [("empty", {})]
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return posts
    form = page_form(response)
    data = own_form_data(response.content.decode(), url)
    if data is None:
        return posts
    posts.append(("as shown", data))
    if form is not None:
        try:
            name, value, _ = change_for(form, data)
            posts.append((f"{name} changed", {**data, name: value}))
        except AssertionError:
            pass  # a confirm page: nothing to change
        posts.append(("filled in", {**data, **filled(form)}))
        posts.append(("filled in, last choices", {**data, **filled(form, pick=-1)}))
        posts.append(("required fields filled in", {**data, **filled(form, required_only=True)}))
    return posts


def test_a_signed_record_refuses_every_change_through_every_url(signed, make_user, capsys):
    meeting = signed["meeting"]
    before = snapshot(meeting)
    clients = clients_for(signed, make_user)
    urls = walk_urls(signed)
    walked = {name for name, _, _ in urls}
    assert walked >= MUST_WALK, f"not walked: {sorted(MUST_WALK - walked)}"
    problems, requests, refused_statuses = [], 0, {}
    for _name, url, method in urls:
        for role in WALKERS:
            client = clients[role]
            plan = [("empty", {})]
            if method == "get":
                response, error = send(client, "get", url)
                requests += 1
                if error or response.status_code >= 500:
                    problems.append(f"GET {url} as {role}: {error or response.status_code}")
                    continue
                plan = posts_for(response, url)
            for label, data in plan:
                response, error = send(client, "post", url, data)
                requests += 1
                if error or response.status_code >= 500:
                    problems.append(f"POST ({label}) {url} as {role}: {error or response.status_code}")
                else:
                    refused_statuses[response.status_code] = refused_statuses.get(response.status_code, 0) + 1
                changed = differences(before, snapshot(meeting))
                if changed:
                    problems.append(f"POST ({label}) {url} as {role} changed the record: {changed}")
                    before = snapshot(meeting)  # report each change once, at the request that made it
                client.force_login(client.user)
                if role in (roles.ADMIN, CLERK):
                    otp_verify(client, client.user)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    with capsys.disabled():
        statuses = sorted(refused_statuses.items())
        print(f"\nsigned record: {requests} requests over {len(urls)} URLs, statuses {statuses}")


def test_renaming_people_after_signing_leaves_the_signed_record_and_its_page_unchanged(signed, officer_client):
    meeting = signed["meeting"]
    before = snapshot(meeting)
    for person in signed["people"]:
        person.surname, person.title = f"{person.surname}-Renamed", "Dr"
        person.save()
    assert snapshot(meeting) == before
    page = officer_client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "Mr R Rivers" in page and "Mrs A Taylor" in page and "Renamed" not in page
