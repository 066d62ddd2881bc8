"""The record lock (kcsp/locking.py): what counts as someone else's change, what the refusal says, and the race."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.forms import modelform_factory
from django.http import QueryDict

from kcsp import roles
from kcsp.locking import RecordLock, StaleRecord, record_lock_check, record_version, stale_merge
from kcsp.models import Organisation

FIELDS = ("name", "short_name", "kind")


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        name="Kent Police", short_name="KP", kind=Organisation.Kind.RESPONSIBLE_AUTHORITY
    )


def check(obj, expected, fields=FIELDS):
    with transaction.atomic():
        return record_lock_check(obj, fields=fields, expected=expected)


def test_an_unchanged_record_passes_and_a_changed_one_says_what_changed_old_and_new(organisation, make_user):
    opened = record_version(organisation, FIELDS)
    assert check(organisation, opened).pk == organisation.pk
    other = Organisation.objects.get(pk=organisation.pk)
    other.name, other._history_user = "Kent Police (KPOL)", make_user(roles.ADMIN, full_name="Ada Admin")
    other.save()
    with pytest.raises(StaleRecord) as refused:
        check(organisation, opened)
    stale = refused.value
    assert str(stale) == "Someone else changed this organisation since you opened it"
    assert [(c.label, c.before, c.after) for c in stale.changes] == [("name", "Kent Police", "Kent Police (KPOL)")]
    assert stale.by.full_name == "Ada Admin" and stale.at is not None
    assert {c.label: c.after for c in stale.saved}["responsible authority or not"] == "Responsible authority", (
        "choices read as shown"
    )


def test_a_write_to_a_field_the_form_does_not_edit_is_not_a_conflict(organisation):
    opened = record_version(organisation, FIELDS)
    Organisation.objects.filter(pk=organisation.pk).update(is_active=False)
    assert check(organisation, opened).is_active is False


def test_a_write_that_skips_history_is_still_noticed(organisation):
    opened = record_version(organisation, FIELDS)
    Organisation.objects.filter(pk=organisation.pk).update(short_name="KPOL")  # no save(), no history row
    with pytest.raises(StaleRecord) as refused:
        check(organisation, opened)
    assert [(c.label, c.before, c.after) for c in refused.value.changes] == [("short name", "KP", "KPOL")]


def test_a_many_to_many_change_is_a_change_and_a_missing_version_is_refused(make_user):
    user = make_user(roles.MEMBER)
    fields = ("full_name", "groups")
    opened = record_version(user, fields)
    user.groups.add(Group.objects.get(name=roles.OFFICER))
    with pytest.raises(StaleRecord) as refused:
        check(user, opened, fields)
    assert [c.label for c in refused.value.changes] == ["groups"]
    with pytest.raises(StaleRecord):
        check(user, "", fields)


@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_from_the_same_version_exactly_one_goes_through():
    """The first holds the row until it commits; the second waits for it, then sees the new version.

    (Outside a transaction the check will not run at all: a lock released before the save protects nothing.)
    """
    organisation = Organisation.objects.create(name="Kent Fire", kind=Organisation.Kind.RESPONSIBLE_AUTHORITY)
    lock = RecordLock(FIELDS, record_version(organisation, FIELDS))
    with pytest.raises(RuntimeError, match="inside the transaction"):
        lock.check(organisation)  # a lock released before the save would protect nothing
    first_has_row, outcomes = threading.Event(), {}

    def save(name: str, hold: bool):
        try:
            with transaction.atomic():
                row = lock.check(Organisation(pk=organisation.pk))
                row.name = name
                row.save()
                if hold:
                    first_has_row.set()
                    threading.Event().wait(0.3)  # the second save is now waiting on the row lock
            outcomes[name] = "saved"
        except StaleRecord:
            outcomes[name] = "refused"
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("First", True))
    first.start()
    assert first_has_row.wait(10)
    second = threading.Thread(target=save, args=("Second", False))
    second.start()
    for thread in (first, second):
        thread.join(timeout=30)
    assert outcomes == {"First": "saved", "Second": "refused"}
    assert Organisation.objects.get(pk=organisation.pk).name == "First"


def test_the_refusal_brings_in_only_known_changes_to_fields_left_alone(organisation):
    """stale_merge: a field this user left alone takes the saved value; with no matching history, nothing moves."""
    form_class = modelform_factory(Organisation, fields=FIELDS)
    opened = record_version(organisation, FIELDS)
    typed = QueryDict(mutable=True)
    typed.update({"name": "Kent Police", "short_name": "KP (mine)", "kind": organisation.kind})
    other = Organisation.objects.get(pk=organisation.pk)
    other.name = "Kent Police (theirs)"
    other.save()
    form = form_class(typed.copy(), instance=Organisation.objects.get(pk=organisation.pk))
    assert form.is_valid()
    with pytest.raises(StaleRecord) as refused:
        check(organisation, opened)
    assert stale_merge(form, refused.value) == []
    assert (form.data["name"], form.data["short_name"]) == ("Kent Police (theirs)", "KP (mine)")
    assert refused.value.refreshed == ["name"]
    never_saved = Organisation(pk=organisation.pk, name="Never saved", short_name="KP", kind=organisation.kind)
    blind = form_class(typed.copy(), instance=organisation)
    with pytest.raises(StaleRecord) as unknown:
        check(organisation, record_version(never_saved, FIELDS))  # a version no history row has
    assert unknown.value.opened is None and stale_merge(blind, unknown.value) == []
    assert blind.data["name"] == "Kent Police", "old values not known: what was typed stays"
