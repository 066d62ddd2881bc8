"""One lock order for every write of the minutes (the committee, the meeting, then the rows): an attendee proposing
an amendment while the clerk saves the same minute once deadlocked (a 500 for one of them)."""

import threading
import time

import pytest
from django.db import DatabaseError, connection, transaction

from meetings.amendments import amendment_decide, amendment_propose, minutes_circulate
from meetings.models import Committee, Minute
from meetings.tests.amendment_world import world  # noqa: F401  (the fixture)


def _minute_row_free(pk: int) -> bool:
    """Whether the minute's row can be locked right now (NOWAIT), from another connection."""
    free = []

    def probe():
        try:
            with transaction.atomic():
                Minute.objects.select_for_update(nowait=True).filter(pk=pk).exists()
            free.append(True)
        except DatabaseError:
            free.append(False)
        finally:
            connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(10)
    return free[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["propose", "decide"])
def test_amendment_writes_wait_for_the_committee_before_locking_the_minute(world, step):  # noqa: F811
    meeting, minute = world["march"], world["minutes"]["public"]
    minutes_circulate(meeting=meeting, user=world["users"]["clerk"])
    if step == "decide":
        proposal = amendment_propose(minute=minute, user=world["users"]["member"], proposed_text="New words.")
    held, released, errors = threading.Event(), threading.Event(), []

    def committee_holder():  # as minute_save does first
        try:
            with transaction.atomic():
                Committee.objects.select_for_update().filter(pk=meeting.committee_id).exists()
                held.set()
                released.wait(10)
        finally:
            connection.close()

    def writer():
        try:
            if step == "propose":
                amendment_propose(minute=minute, user=world["users"]["member"], proposed_text="Other words.")
            else:
                amendment_decide(amendment=proposal, user=world["users"]["clerk"], accept=False, reason="Not so.")
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(repr(error))
        finally:
            connection.close()

    holder = threading.Thread(target=committee_holder)
    holder.start()
    held.wait(10)
    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.5)  # the writer is now waiting for the committee's lock
    try:
        assert _minute_row_free(minute.pk), "the amendment write locked the minute before the committee"
    finally:
        released.set()
        holder.join(10)
        thread.join(20)
    assert not errors
