"""Property tests of the minute form (add and edit, with and without Preview) and the first-number form, driven
through their pages as an officer: whatever is typed or chosen, never a 500; a refusal names the problem and
changes nothing; a save is whole (the minute's printed form recomputed, the committee's numbers unique and each
meeting's without gaps, signed minutes untouched). Follows tests/test_forms_fuzz.py."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcsp import roles
from kcsp.testing import opened
from meetings import minuting
from meetings.minutetext import minute_blocks
from meetings.models import AgendaItem, Meeting, Minute
from tests.test_forms_fuzz import count_rows

from .factories import CommitteeFactory
from .record_helpers import add, meeting_on, sign

pytestmark = pytest.mark.django_db
EXAMPLES = 40
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
CHARACTERS = st.characters(codec="utf-8", exclude_categories=["Cs"])
LINES = st.sampled_from(
    ["RESOLVED that", "RESOLVED: ", "(a) noted", "b) agreed", "1. The board noted", "   ", "", "(aa) more", "\t\x0b"]
)
MINUTE_TEXT = st.one_of(
    st.text(CHARACTERS, max_size=200),
    st.lists(st.one_of(LINES, st.text(CHARACTERS, max_size=30)), max_size=12).map("\n".join),
)
TITLE = st.one_of(st.text(CHARACTERS, max_size=40), st.text(st.sampled_from("ab "), min_size=290, max_size=320))
JUNK = st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e400", "NaN", "<script>", "end", "first"])


def problem_shown(response) -> bool:
    return "There is a problem" in response.content.decode()


def committee_numbers(committee) -> list[tuple[int, int]]:
    return list(Minute.objects.filter(committee=committee).order_by("number").values_list("meeting_id", "number"))


def assert_numbering_sound(committee, signed_numbers: dict[int, list[int]]) -> None:
    """Numbers unique in the committee (the deferred constraint is not checked inside a test's transaction, so it
    is checked here), each meeting's without gaps, signed meetings' as they were."""
    rows = committee_numbers(committee)
    numbers = [number for _, number in rows]
    assert len(numbers) == len(set(numbers)), f"a number used twice: {rows}"
    by_meeting: dict[int, list[int]] = {}
    for meeting_id, number in rows:
        by_meeting.setdefault(meeting_id, []).append(number)
    for meeting_id, found in by_meeting.items():
        assert found == list(range(found[0], found[0] + len(found))), f"a gap in meeting {meeting_id}: {found}"
    for meeting_id, kept in signed_numbers.items():
        assert by_meeting.get(meeting_id) == kept, "signed minutes renumbered"


def consistent(minute: Minute) -> None:
    """A saved minute prints from its own text in its committee's style (never half-saved)."""
    assert minute.blocks == minute_blocks(minute.text, minuting.minute_style(minute.committee))
    assert "\x00" not in minute.text + minute.title


@pytest.fixture
def world(db):
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    other = CommitteeFactory()
    january, march, july = (meeting_on(committee, 2022, m, d) for m, d in ((1, 20), (3, 24), (7, 14)))
    public = AgendaItem.objects.create(meeting=march, section="B", position=1, title="Working Group Update")
    restricted = AgendaItem.objects.create(
        meeting=march, section="D", position=1, title="Prevent", restriction_reason="prevent"
    )
    elsewhere = AgendaItem.objects.create(meeting=july, section="B", position=1, title="Another meeting's item")
    add(january, "January 1")
    add(january, "January 2")
    minutes = [add(march, "March 1", item=public), add(march, "March 2", item=restricted), add(march, "March 3")]
    add(july, "July 1")
    foreign = add(meeting_on(other, 2022, 3, 24), "Another committee's minute")
    choices = {
        "item": ["", str(public.pk), str(restricted.pk), str(elsewhere.pk)],
        "approves_minutes_of": ["", str(january.pk), str(july.pk), str(march.pk)],
        "position": ["", "end", "first", *(str(m.pk) for m in minutes), str(foreign.pk)],
    }
    return {"committee": committee, "march": march, "minutes": minutes, "choices": choices}


def minute_data(choices):
    fields = {
        "title": TITLE,
        "text": MINUTE_TEXT,
        "item": st.one_of(st.sampled_from(choices["item"]), JUNK),
        "approves_minutes_of": st.one_of(st.sampled_from(choices["approves_minutes_of"]), JUNK),
        "position": st.one_of(st.sampled_from(choices["position"]), JUNK),
    }
    return st.fixed_dictionaries(fields, optional={"preview": st.just("Preview")})


def test_the_add_a_minute_form_never_fails_and_never_half_saves(world, officer_client):
    committee, url = world["committee"], reverse("meetings:minute_create", args=[world["march"].pk])

    outcomes = set()

    @FUZZ
    @given(data=minute_data(world["choices"]))
    def post(data):
        before, minutes_before = count_rows(), Minute.objects.count()
        response = officer_client.post(url, data)
        assert response.status_code in (200, 302), f"{response.status_code} for {data!r}"
        outcomes.add(response.status_code)
        if response.status_code == 302:
            assert "preview" not in data, "a preview never saves"
            assert Minute.objects.count() == minutes_before + 1
            consistent(Minute.objects.latest("pk"))
        else:
            assert count_rows() == before, f"refused or previewed {data!r} but changed rows"
            body = response.content.decode()
            assert problem_shown(response) or ("preview" in data and 'data-testid="minute-preview"' in body)
        assert_numbering_sound(committee, {})

    post()
    assert outcomes == {200, 302}, "the examples both saved and were refused"


def test_the_edit_a_minute_form_never_fails_and_never_half_saves(world, officer_client):
    committee, minute = world["committee"], world["minutes"][1]
    url = reverse("meetings:minute_edit", args=[minute.pk])

    outcomes = set()

    @FUZZ
    @given(data=minute_data(world["choices"]))
    def post(data):
        data.pop("position")
        row_before = Minute.objects.filter(pk=minute.pk).values().get()
        history_before, before = Minute.history.filter(id=minute.pk).count(), count_rows()
        response = officer_client.post(url, opened(officer_client, url, data))
        assert response.status_code in (200, 302), f"{response.status_code} for {data!r}"
        outcomes.add(response.status_code)
        saved = Minute.objects.get(pk=minute.pk)
        if response.status_code == 302:
            assert "preview" not in data
            consistent(saved)
            assert saved.number == row_before["number"] and saved.meeting_id == row_before["meeting_id"]
        else:
            assert Minute.objects.filter(pk=minute.pk).values().get() == row_before
            assert Minute.history.filter(id=minute.pk).count() == history_before and count_rows() == before
            assert problem_shown(response) or "preview" in data
        assert_numbering_sound(committee, {})

    post()
    assert outcomes == {200, 302}, "the examples both saved and were refused"


def test_the_first_number_form_never_fails_and_refuses_a_clash_without_changing_anything(
    world, officer_client, make_user
):
    committee, march = world["committee"], world["march"]
    may = meeting_on(committee, 2022, 5, 26)
    minuting.minutes_start_set(meeting=may, start=6)
    add(may, "May 1")
    add(may, "May 2")
    sign(may, at_meeting=meeting_on(committee, 2022, 9, 29), chair=make_user(roles.CHAIR))
    signed_numbers = {may.pk: [6, 7]}
    url = reverse("meetings:minutes_start", args=[march.pk])
    start = st.one_of(st.integers(-3, 14).map(str), st.integers(-(10**12), 10**12).map(str), JUNK, st.text(max_size=8))

    outcomes = set()

    @FUZZ
    @given(value=start)
    def post(value):
        numbers_before, rows_before = committee_numbers(committee), count_rows()
        start_before = Meeting.objects.get(pk=march.pk).minutes_start_number
        response = officer_client.post(url, {"start": value})
        assert response.status_code in (200, 302), f"{response.status_code} for {value!r}"
        outcomes.add(response.status_code)
        march.refresh_from_db()
        if response.status_code == 302:
            first = march.minutes.order_by("number").values_list("number", flat=True).first()
            assert first == (march.minutes_start_number or 3)
        else:
            assert problem_shown(response), f"{value!r} refused without a message"
            assert f'value="{escape(value)}"' in response.content.decode(), "what was typed is kept"
            assert march.minutes_start_number == start_before
            assert committee_numbers(committee) == numbers_before and count_rows() == rows_before
        assert_numbering_sound(committee, signed_numbers)

    post()
    assert outcomes == {200, 302}, "the examples both saved and were refused"
