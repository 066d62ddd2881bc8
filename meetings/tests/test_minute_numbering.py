"""Minute numbers: the committee's own sequence in meeting-date order (meetings/numbering.py, issue 14).

A meeting's first minute follows the last number of the latest earlier meeting (or the number an officer set);
inserting, moving and deleting renumber the meeting without gaps, in each minute's history, under the
committee's lock; a clash with another meeting is refused naming it and changes nothing; signed minutes never
renumber; numbers are unique per committee and independent across committees.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kcsp import roles
from meetings import minuting
from meetings.models import AgendaItem, Minute
from meetings.record import minutes_record

from .factories import CommitteeFactory
from .record_helpers import add, day, history_numbers, meeting_on, numbered, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    return CommitteeFactory(name="Kent Community Safety Partnership")


def titles(meeting) -> list[str]:
    return [title for _, title in numbered(meeting)]


def numbers(meeting) -> list[int]:
    return [number for number, _ in numbered(meeting)]


def test_minutes_entered_for_an_older_meeting_after_a_newer_one_number_in_meeting_date_order(committee):
    january, march, july = (meeting_on(committee, 2022, m, d) for m, d in ((1, 20), (3, 24), (7, 14)))
    for n in range(1, 6):
        add(january, f"January {n}")
    assert numbers(january) == [1, 2, 3, 4, 5]

    add(july, "July 1")
    add(july, "July 2")
    assert numbered(july) == [(6, "July 1"), (7, "July 2")], "July follows January, the latest earlier meeting"

    add(march, "March 1")
    add(march, "March 2")
    assert numbered(march) == [(6, "March 1"), (7, "March 2")], "March takes the numbers after January's"
    assert numbered(july) == [(8, "July 1"), (9, "July 2")], "July's unsigned minutes follow on after March's"
    assert numbers(january) == [1, 2, 3, 4, 5]
    first_of_july = Minute.objects.get(title="July 1")
    assert history_numbers(first_of_july) == [6, 7, 8], "each renumbering is in the minute's history"


def test_an_officer_sets_the_first_number_and_later_meetings_follow(committee):
    march, july, september = (meeting_on(committee, 2022, m, d) for m, d in ((3, 24), (7, 14), (9, 29)))
    minuting.minutes_start_set(meeting=march, start=51)
    for n in range(1, 4):
        add(march, f"March {n}")
    add(july, "July 1")
    add(july, "July 2")
    assert numbers(march) == [51, 52, 53] and numbers(july) == [54, 55]

    minuting.minutes_start_set(meeting=march, start=61)
    assert numbers(march) == [61, 62, 63] and numbers(july) == [64, 65], "the later meeting follows on"

    minuting.minutes_start_set(meeting=september, start=200)
    add(september, "September 1")
    minuting.minutes_start_set(meeting=march, start=None)
    assert numbers(march) == [1, 2, 3] and numbers(july) == [4, 5]
    assert numbers(september) == [200], "a meeting whose first number is set keeps it"


def test_a_clash_with_a_signed_later_meeting_is_refused_naming_it_and_changes_nothing(committee, make_user):
    january, march, july, september = (
        meeting_on(committee, 2022, m, d) for m, d in ((1, 20), (3, 24), (7, 14), (9, 29))
    )
    add(january, "January 1")
    add(january, "January 2")
    add(july, "July 1")
    add(july, "July 2")
    sign(july, at_meeting=september, chair=make_user(roles.CHAIR))
    rows_before = list(Minute.objects.order_by("pk").values_list("pk", "meeting_id", "number", "title"))
    history_before = Minute.history.count()

    with pytest.raises(ValidationError) as refused:
        add(march, "March 1")
    message = " ".join(refused.value.messages)
    assert day(july) in message and "signed" in message, message
    assert day(march) in message and "Set the number of the first minute" in message
    assert list(Minute.objects.order_by("pk").values_list("pk", "meeting_id", "number", "title")) == rows_before
    assert Minute.history.count() == history_before, "nothing changed, not even in history"

    minuting.minutes_start_set(meeting=march, start=4)  # no minutes yet, so no clash yet
    with pytest.raises(ValidationError, match=day(july)):
        add(march, "March 1")
    assert numbers(march) == [] and numbers(july) == [3, 4]

    minuting.minutes_start_set(meeting=march, start=101)
    add(march, "March 1")
    add(september, "September 1")
    assert numbers(march) == [101] and numbers(july) == [3, 4]
    assert numbers(september) == [5], "September follows July, the latest earlier meeting"


def test_a_clash_with_a_later_meeting_whose_first_number_is_set_is_refused(committee):
    march, july = meeting_on(committee, 2022, 3, 24), meeting_on(committee, 2022, 7, 14)
    minuting.minutes_start_set(meeting=july, start=3)
    add(july, "July 1")
    add(march, "March 1")
    add(march, "March 2")
    with pytest.raises(ValidationError) as refused:
        add(march, "March 3")
    assert day(july) in " ".join(refused.value.messages)
    assert numbers(march) == [1, 2] and numbers(july) == [3]


def test_insert_move_and_delete_renumber_the_meeting_without_gaps_each_change_in_history(committee):
    meeting, later = meeting_on(committee, 2022, 3, 24), meeting_on(committee, 2022, 7, 14)
    a, b, c = (add(meeting, title) for title in "ABC")
    add(later, "Later")

    add(meeting, "D", first=True)
    assert titles(meeting) == ["D", "A", "B", "C"] and numbers(meeting) == [1, 2, 3, 4]
    add(meeting, "E", after=b)
    assert titles(meeting) == ["D", "A", "B", "E", "C"]
    assert numbers(meeting) == [1, 2, 3, 4, 5] and numbers(later) == [6]

    assert minuting.minute_move(minute=c, direction="up")
    assert titles(meeting) == ["D", "A", "B", "C", "E"]
    d = Minute.objects.get(title="D")
    e = Minute.objects.get(title="E")
    assert not minuting.minute_move(minute=d, direction="up"), "the first minute cannot move up"
    assert not minuting.minute_move(minute=e, direction="down"), "the last minute cannot move down"

    minuting.minute_delete(minute=Minute.objects.get(pk=a.pk))
    assert titles(meeting) == ["D", "B", "C", "E"] and numbers(meeting) == [1, 2, 3, 4]
    assert numbers(later) == [5], "the later meeting follows on without a gap"
    assert history_numbers(b) == [2, 3, 2]
    assert history_numbers(c) == [3, 4, 5, 4, 3]
    assert Minute.history.filter(id=a.pk, history_type="-").exists(), "the deletion is in the minute's history"


def test_renumbering_takes_the_committee_lock_before_it_writes_a_number(committee):
    meeting = meeting_on(committee, 2022, 3, 24)
    first, _ = add(meeting, "A"), add(meeting, "B")
    with CaptureQueriesContext(connection) as captured:
        minuting.minute_move(minute=first, direction="down")
    sql = [query["sql"] for query in captured.captured_queries]
    lock = next(i for i, q in enumerate(sql) if 'FROM "meetings_committee"' in q and "FOR UPDATE" in q)
    first_write = next(i for i, q in enumerate(sql) if q.startswith('UPDATE "meetings_minute"'))
    assert lock < first_write
    assert titles(meeting) == ["B", "A"]


def test_signed_minutes_never_renumber(committee, make_user):
    december, january, march, april = (
        meeting_on(committee, y, m, d) for y, m, d in ((2021, 12, 9), (2022, 1, 20), (2022, 3, 24), (2022, 4, 28))
    )
    j1, j2 = add(january, "January 1"), add(january, "January 2")
    add(march, "March 1")
    sign(january, at_meeting=march, chair=make_user(roles.CHAIR))
    signed_history = [history_numbers(j1), history_numbers(j2)]

    for refused in (
        lambda: add(january, "January 3"),
        lambda: minuting.minute_move(minute=j1, direction="down"),
        lambda: minuting.minute_delete(minute=j2),
        lambda: minuting.minutes_start_set(meeting=january, start=40),
        lambda: add(december, "December 1"),  # would take 1: January's, signed
    ):
        with pytest.raises(ValidationError):
            refused()
    minuting.minutes_start_set(meeting=december, start=900)
    add(december, "December 1")
    add(march, "March 0", first=True)
    add(april, "April 1")
    assert numbers(december) == [900]
    assert numbers(january) == [1, 2] and [history_numbers(j1), history_numbers(j2)] == signed_history
    assert numbers(march) == [3, 4] and numbers(april) == [5], "the meetings after the signed one follow it"


def test_numbers_are_unique_per_committee_and_independent_across_committees(committee):
    other = CommitteeFactory()
    ours, theirs = meeting_on(committee, 2022, 3, 24), meeting_on(other, 2022, 3, 24)
    for n in range(3):
        add(ours, f"Ours {n}")
        add(theirs, f"Theirs {n}")
    assert numbers(ours) == numbers(theirs) == [1, 2, 3]
    with pytest.raises(IntegrityError), transaction.atomic():
        Minute.objects.create(meeting=ours, number=2, title="A second minute 2")
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_procedural_minute_is_numbered_like_any_other_and_prints_with_no_item_reference(committee, officer_client):
    meeting = meeting_on(committee, 2022, 3, 24)
    item = AgendaItem.objects.create(meeting=meeting, section="B", position=1, title="Working Group Update")
    add(meeting, "Working Group Update", item=item)
    add(meeting, "Chairman", text="Mr Rivers took the chair.", first=True)
    assert numbered(meeting) == [(1, "Chairman"), (2, "Working Group Update")]
    record = minutes_record(meeting, "public")
    assert [(m["number"], m["item"]) for m in record["minutes"]] == [(1, None), (2, "B1")]

    page = officer_client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    procedural = re.search(r'id="minute-1">(.*?)id="minute-2"', page, re.S).group(1)
    assert "1. Chairman" in procedural and "Mr Rivers took the chair." in procedural
    assert "(Item" not in procedural
    assert "(Item B1)" in page.split('id="minute-2"')[1]


# Through the pages, as an officer meets them.


def form_post(**fields) -> dict:
    return {"item": "", "title": "New minute", "text": "The board noted it.", "approves_minutes_of": "", **fields}


def preview_heading(response) -> str:
    body = response.content.decode()
    block = re.search(r'data-testid="minute-preview">(.*?)</div>', body, re.S)
    assert block, "no preview on the page"
    return re.sub(r"\s+", " ", re.search(r"<h3[^>]*>(.*?)</h3>", block.group(1), re.S).group(1)).strip()


def test_the_minute_form_asks_where_the_minute_goes_and_puts_it_there(committee, officer_client):
    meeting = meeting_on(committee, 2022, 3, 24)
    a, b = add(meeting, "A"), add(meeting, "B")
    url = reverse("meetings:minute_create", args=[meeting.pk])
    page = officer_client.get(url).content.decode()
    assert "Where does it go?" in page
    assert "At the end" in page and "First, before minute 1" in page and "After minute 1: A" in page

    response = officer_client.post(url, form_post(title="Between", position=str(a.pk)))
    assert response.status_code == 302
    assert titles(meeting) == ["A", "Between", "B"] and numbers(meeting) == [1, 2, 3]
    assert history_numbers(b) == [2, 3]
    officer_client.post(url, form_post(title="Opening", position="first"))
    assert titles(meeting) == ["Opening", "A", "Between", "B"]


def test_preview_shows_the_number_the_minute_will_take_and_saves_nothing(committee, officer_client):
    meeting = meeting_on(committee, 2022, 3, 24)
    a, b, _ = add(meeting, "A"), add(meeting, "B"), add(meeting, "C")
    url = reverse("meetings:minute_create", args=[meeting.pk])
    rows, history = Minute.objects.count(), Minute.history.count()
    for position, number in (("", 4), ("end", 4), ("first", 1), (str(a.pk), 2), (str(b.pk), 3)):
        response = officer_client.post(url, form_post(title="Pasted", position=position, preview="Preview"))
        assert response.status_code == 200
        assert preview_heading(response) == f"{number}. Pasted", position
        assert 'value="Pasted"' in response.content.decode(), "what was typed stays in the form"
    edit = officer_client.get(reverse("meetings:minute_edit", args=[b.pk]))
    assert edit.status_code == 200
    assert (Minute.objects.count(), Minute.history.count()) == (rows, history), "a preview saves nothing"


def test_the_move_and_delete_confirm_pages_say_what_happens_then_do_it(committee, officer_client):
    meeting = meeting_on(committee, 2022, 3, 24)
    a, b, c = (add(meeting, title) for title in "ABC")
    move = reverse("meetings:minute_move", args=[b.pk, "up"])
    page = officer_client.get(move).content.decode()
    assert "Minute 2 swaps places with the minute before it" in page and "Move up" in page
    assert titles(meeting) == ["A", "B", "C"], "opening the page changes nothing"
    followed = officer_client.post(move, follow=True)
    assert "Minute moved up; the minutes have been renumbered." in followed.content.decode()
    assert titles(meeting) == ["B", "A", "C"]

    delete = reverse("meetings:minute_delete", args=[a.pk])
    page = officer_client.get(delete).content.decode()
    assert "Minute 2 is deleted" in page and "the minutes after it are renumbered" in page
    followed = officer_client.post(delete, follow=True)
    assert "Minute 2 deleted; the minutes have been renumbered." in followed.content.decode()
    assert numbered(meeting) == [(1, "B"), (2, "C")]
    assert history_numbers(c) == [3, 2]


def test_the_start_number_page_shows_a_clash_on_the_field_and_keeps_what_was_typed(
    committee, officer_client, make_user
):
    january, march, july, september = (
        meeting_on(committee, 2022, m, d) for m, d in ((1, 20), (3, 24), (7, 14), (9, 29))
    )
    add(january, "January 1")
    add(march, "March 1")
    add(july, "July 1")
    add(july, "July 2")
    sign(july, at_meeting=september, chair=make_user(roles.CHAIR))
    url = reverse("meetings:minutes_start", args=[march.pk])

    response = officer_client.post(url, {"start": "3"})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    form = response.context["form"]
    assert any(day(july) in error for error in form.errors["start"]), form.errors
    assert 'name="start" value="3"' in body, "what was typed is kept"
    march.refresh_from_db()
    assert march.minutes_start_number is None and numbers(march) == [2]

    assert officer_client.post(url, {"start": "51"}).status_code == 302
    assert numbers(march) == [51] and numbers(july) == [3, 4]


def test_a_meeting_moved_in_time_takes_its_place_in_the_sequence(committee):
    """Numbers follow meeting-date order: moving March's meeting after July's renumbers both (neither signed)."""
    from meetings import services

    from .record_helpers import on

    march, july = meeting_on(committee, 2022, 3, 24), meeting_on(committee, 2022, 7, 14)
    add(march, "M1")
    add(march, "M2")
    add(july, "J1")
    assert (numbers(march), numbers(july)) == ([1, 2], [3])
    march.starts_at = on(2022, 9, 1)
    services.meeting_save(meeting=march)
    assert (numbers(july), numbers(march)) == ([1], [2, 3])
