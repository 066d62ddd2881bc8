"""Property: whatever the register is sent, it never answers a server error, and it saves either every row it was
given, as given, or nothing at all (issue 14 "Bad input")."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcsp import roles
from kcsp.locking import VERSION_FIELD
from kcsp.text import text_safe
from meetings.models import Attendance
from meetings.register_forms import ADD_ROWS, CAPACITIES

from .registerworld import page_data, register_url, register_world

pytestmark = pytest.mark.django_db

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
LONG = st.text(st.sampled_from("Ab %.'"), min_size=199, max_size=202)
JUNK = st.one_of(TEXT, st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "None", "<script>", "%s"]))
MARKS = ["", "present", "substitute", "apologies", "absent", "also_present", "in_attendance"]


def weighted(valid: list[str]):
    """Mostly a value the page offers, sometimes anything."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(valid), JUNK)


def state() -> tuple:
    rows = Attendance.objects.order_by("person_id").values_list(
        "person_id",
        "kind",
        "capacity",
        "substitute_for_id",
        "substitute_for_name",
        "name_as_recorded",
        "role_text",
        "organisation_id",
    )
    return list(rows), Attendance.history.count()


def typed(value: str) -> str:
    return text_safe(value).strip()


def check_saved(data: dict[str, str], listed: dict[int, object]) -> None:
    """After a save, every row that was marked is as it was typed."""
    rows = {row.person_id: row for row in Attendance.objects.all()}
    # A form field strips what is typed (Django's CharField and choice fields): a mark or person of white space
    # alone (" ", "\x1f") is no mark at all, and saves no row.
    marked = {pk: f"p{pk}-" for pk in listed if data.get(f"p{pk}-mark", "").strip()}
    marked.update(
        {
            int(data[f"new{n}-person"]): f"new{n}-"
            for n in range(1, ADD_ROWS + 1)
            if data.get(f"new{n}-person", "").strip()
        }
    )
    for pk, prefix in marked.items():
        row = rows[pk]
        assert row.kind == data[prefix + "mark"]
        assert row.capacity == data.get(prefix + "capacity", "")
        assert row.role_text == typed(data.get(prefix + "role", ""))
        name = typed(data.get(prefix + "name", ""))
        assert row.name_as_recorded == name if name else row.name_as_recorded
        assert (row.substitute_for_id or "") == (
            int(data[prefix + "substitute_for"]) if row.kind == "substitute" else ""
        )
        if data.get(prefix + "organisation"):
            assert row.organisation_id == int(data[prefix + "organisation"])


def test_any_register_post_saves_all_it_was_given_or_nothing_and_never_fails(make_user):
    world = register_world()
    meeting, people, orgs = world["meeting"], world["people"], world["orgs"]
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    url = register_url(meeting)
    listed = {p.pk: p for p in people.values() if p is not people["former"] and p is not people["taylor"]}
    members = [str(p.pk) for key, p in people.items() if key in ("rivers", "brinson", "burbeck", "collins", "hinds")]
    strategies = {}
    for pk in listed:
        strategies.update(
            {
                f"p{pk}-mark": weighted(MARKS),
                f"p{pk}-capacity": weighted([value for value, _ in CAPACITIES]),
                f"p{pk}-substitute_for": weighted(["", *members]),
                f"p{pk}-name": st.one_of(TEXT, LONG, st.just("")),
                f"p{pk}-role": st.one_of(TEXT, LONG, st.just("")),
                f"p{pk}-organisation": weighted(["", *[str(o.pk) for o in orgs.values()]]),
            }
        )
    for n in range(1, ADD_ROWS + 1):
        strategies.update(
            {
                f"new{n}-person": weighted(["", str(people["taylor"].pk), str(people["former"].pk)]),
                f"new{n}-mark": weighted(["also_present", "in_attendance"]),
                f"new{n}-name": TEXT,
                f"new{n}-role": st.one_of(TEXT, LONG),
            }
        )
    changes = st.lists(st.sampled_from(sorted(strategies)), max_size=8, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({key: strategies[key] for key in keys})
    )

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(changed=changes, stale=st.sampled_from([False, False, False, True]))
    def post(changed, stale):
        data = {**page_data(client.get(url)), **changed}
        if stale:
            data[VERSION_FIELD] = "0" * 24 + ".0"
        before = state()
        response = client.post(url, data)  # an exception in the view fails the test here
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not stale, "a register posted with an old version was saved"
            check_saved(data, listed)
        else:
            body = response.content.decode()
            assert "There is a problem" in body, "refused without saying why"
            assert state() == before, f"refused {changed!r} but changed the register"

    post()
