"""The retention schedule, legal holds and disposal pages as the admin and the data protection officer use them."""

import datetime

import pytest
from django.urls import reverse

from kcsp import roles
from kcsp.governance.lists import disposal_list_make
from kcsp.governance.models import DisposalCandidate, DisposalList, DisposalRecord, LegalHold, RetentionRule
from kcsp.testing import otp_verify
from notifications.models import SentNotice

pytestmark = pytest.mark.django_db
Status = DisposalCandidate.Status
TODAY = datetime.date.today()


def test_the_schedule_shows_every_rule_with_its_dpo_tag_to_admin_and_dpo(client, make_user, dpo_client):
    admin = make_user(roles.ADMIN)
    client.force_login(admin)
    otp_verify(client, admin)
    for viewer in (client, dpo_client):
        page = viewer.get(reverse("governance:retention_schedule")).content.decode()
        assert "Minutes, actions, errata and amendments" in page and "Permanently" in page
        assert "To confirm with your DPO" in page


def test_a_rule_is_edited_through_its_page_and_the_change_shows_in_its_history(dpo_client):
    rule = RetentionRule.objects.get(record_type="pack")
    url = reverse("governance:rule_edit", args=[rule.pk])
    form = dpo_client.get(url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data["confirm_with_dpo"] = "on" if form.initial["confirm_with_dpo"] else ""
    unchanged = dpo_client.post(url, data)
    assert unchanged.status_code == 302 and rule.history.count() == 1, "saving unchanged changes nothing"
    refused = dpo_client.post(url, {**data, "period_months": "", "action": "delete"})
    assert "Enter a period in months" in refused.content.decode()
    dpo_client.post(url, {**data, "period_months": "36"})
    rule.refresh_from_db()
    assert rule.period_months == 36
    page = dpo_client.get(reverse("governance:rule_detail", args=[rule.pk])).content.decode()
    assert "History of changes" in page and "Dee Pio" in page and "36" in page


def test_a_hold_is_placed_from_a_list_row_and_lifted_after_confirming(dpo_client, notice, notices_type):
    listed = disposal_list_make(TODAY)
    candidate = listed.candidates.get()
    list_page = dpo_client.get(reverse("governance:disposal_list", args=[listed.pk])).content.decode()
    place = f"{reverse('governance:hold_place')}?candidate={candidate.pk}"
    assert place in list_page
    form = dpo_client.get(place).context["form"]
    assert form.initial == {"record_type": "notification", "object_id": notice.pk}
    answer = dpo_client.post(place, {"record_type": "notification", "object_id": notice.pk, "reason": "A claim"})
    assert answer.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.label == f"Notice {notice.pk}"
    assert f"Notice {notice.pk}" in dpo_client.get(reverse("governance:hold_list")).content.decode()
    lift = reverse("governance:hold_lift", args=[hold.pk])
    assert "Lift the legal hold" in dpo_client.get(lift).content.decode()
    assert "Enter why the hold is lifted" in dpo_client.post(lift, {"lift_reason": ""}).content.decode()
    dpo_client.post(lift, {"lift_reason": "Settled"})
    hold.refresh_from_db()
    assert not hold.is_active


def test_approving_shows_what_will_go_then_disposes_of_it(
    dpo_client, notice, notices_type, django_capture_on_commit_callbacks
):
    make = dpo_client.post(reverse("governance:disposal_list_make"))
    listed = DisposalCandidate.objects.get().disposal_list
    assert make["Location"] == reverse("governance:disposal_list", args=[listed.pk])
    candidate = listed.candidates.get()
    approve = reverse("governance:disposal_approve", args=[listed.pk])
    confirm = dpo_client.get(approve, {"candidate": [candidate.pk]})
    assert confirm.status_code == 200 and f"Notice {candidate.object_id}" in confirm.content.decode()
    assert "Deleted" in confirm.content.decode()
    assert "1 record listed for review." in confirm.content.decode()  # the first page shown since: was "1 records"
    with django_capture_on_commit_callbacks(execute=True):
        done = dpo_client.post(approve, {"candidate": [candidate.pk], "confirm": "yes"}, follow=True).content.decode()
    assert "1 record approved for disposal." in done  # was "1 records"
    candidate.refresh_from_db()
    assert candidate.status == Status.DISPOSED and not SentNotice.objects.exists()
    records = dpo_client.get(reverse("governance:disposal_records")).content.decode()
    assert f"Notice {notice.pk}" in records and dpo_client.user.get_username() in records
    stale = dpo_client.post(approve, {"candidate": [candidate.pk], "confirm": "yes"}, follow=True).content.decode()
    assert "no longer waiting for review" in stale
    assert DisposalRecord.objects.count() == 1


def test_a_record_is_kept_with_a_note(dpo_client, notice, notices_type):
    candidate = disposal_list_make(TODAY).candidates.get()
    keep = reverse("governance:candidate_keep", args=[candidate.pk])
    assert "Enter why the record is kept" in dpo_client.post(keep, {"note": ""}).content.decode()
    dpo_client.post(keep, {"note": "Wanted for an audit"})
    candidate.refresh_from_db()
    assert (candidate.status, candidate.note) == (Status.KEPT, "Wanted for an audit")


def test_dhr_candidates_are_shown_only_to_a_dhr_cleared_dpo(client, dpo, dhr_dpo, log_type):
    from dhr.models import AccessLog

    AccessLog.objects.create(
        user=dpo, action="view", what="Case", path="/r/", at=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
    )
    RetentionRule.objects.filter(record_type="dhr_access_log").update(period_months=12)
    listed = disposal_list_make(TODAY)
    candidate = listed.candidates.get()
    url = reverse("governance:disposal_list", args=[listed.pk])
    client.force_login(dpo)
    page = client.get(url).content.decode()
    assert "1 DHR record is on this list" in page and candidate.label not in page
    assert client.get(reverse("governance:candidate_keep", args=[candidate.pk])).status_code == 404
    assert client.get(f"{reverse('governance:hold_place')}?candidate={candidate.pk}").status_code == 404
    client.force_login(dhr_dpo)
    otp_verify(client, dhr_dpo)
    page = client.get(url).content.decode()
    assert candidate.label in page and "DHR record is on this list" not in page
    assert 'data-testid="protective-marking-top"' in page, "a page naming DHR records is marked (kcsp/marking.py)"


def test_the_navigation_has_the_schedule_for_admin_and_dpo_and_disposal_for_the_dpo(client, make_user, dpo_client):
    labels = [item["label"] for item in dpo_client.get("/").context["nav_items"]]
    assert "Retention schedule" in labels and "Disposal" in labels
    admin = make_user(roles.ADMIN)
    client.force_login(admin)
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    assert "Retention schedule" in labels and "Disposal" not in labels
    assert labels.index("Data map") < labels.index("Retention schedule") < labels.index("Administration")


def test_a_hold_on_a_month_number_that_is_no_month_is_a_clear_error_not_a_500(dpo_client):
    data = {"record_type": "session", "object_id": "5", "reason": "x"}
    page = dpo_client.post(reverse("governance:hold_place"), data)
    assert page.status_code == 200
    assert "like 202403 for March 2024" in page.content.decode() and not LegalHold.objects.exists()


def test_a_listed_record_links_to_its_own_page_where_it_has_one(dpo_client):
    """Found trying it: the list said only "Person 14", with no way to see who that is before approving."""
    from kcsp.models import Person

    person = Person.objects.create(forenames="Listed", surname="Person")
    listed = disposal_list_make(TODAY + datetime.timedelta(days=3660))  # ten years on: past the six-year rule
    candidate = listed.candidates.get(record_type="person", object_id=person.pk)
    page = dpo_client.get(reverse("governance:disposal_list", args=[listed.pk])).content.decode()
    link = reverse("person_detail", args=[person.pk])
    assert f'href="{link}">{candidate.label}' in page
    assert dpo_client.get(link).status_code == 200, "the DPO may open the page linked"
    candidate.status = Status.KEPT
    candidate.save()
    assert link not in dpo_client.get(reverse("governance:disposal_list", args=[listed.pk])).content.decode()


def test_approve_selected_posts_the_selection_and_shows_what_will_happen_before_anything_does(
    dpo_client, notices_type, django_capture_on_commit_callbacks
):
    """Found trying it: the list sent the ticked ids in a GET; 300 of them made a request line longer than
    gunicorn's 4094 bytes, a bare "400 Bad Request". Now the list POSTs them: without `confirm` the page only
    shows what will happen; its own POST (confirm=yes) approves."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from kcsp.models import User

    old = timezone.now() - datetime.timedelta(days=3 * 366)
    kind = SentNotice._meta.get_field("kind").choices[0][0]
    user_type = ContentType.objects.get_for_model(User)
    SentNotice.objects.bulk_create(
        SentNotice(kind=kind, content_type=user_type, object_id=n, recipient=f"r{n}@example.org", sent_at=old)
        for n in range(300)
    )
    listed = disposal_list_make(TODAY)
    page = dpo_client.get(reverse("governance:disposal_list", args=[listed.pk])).content.decode()
    assert 'method="post" action="' + reverse("governance:disposal_approve", args=[listed.pk]) in page
    ids = list(listed.candidates.values_list("pk", flat=True))
    assert len(ids) == 300
    approve = reverse("governance:disposal_approve", args=[listed.pk])
    confirm = dpo_client.post(approve, {"candidate": ids})
    assert confirm.status_code == 200 and "These 300 records will be disposed of" in confirm.content.decode()
    assert 'name="confirm" value="yes"' in confirm.content.decode()
    assert not listed.candidates.exclude(status=Status.LISTED).exists(), "showing the page changes nothing"
    with django_capture_on_commit_callbacks(execute=True):
        dpo_client.post(approve, {"candidate": ids, "confirm": "yes"})
    assert listed.candidates.filter(status=Status.DISPOSED).count() == 300 and not SentNotice.objects.exists()


def test_a_long_list_is_paged_a_hundred_records_at_a_time(dpo_client):
    listed = DisposalList.objects.create(as_of=TODAY)
    DisposalCandidate.objects.bulk_create(
        DisposalCandidate(
            disposal_list=listed,
            record_type="notification",
            object_id=200001 + n,
            label=f"Notices sent {n}",
            due_on=TODAY,
            action="delete",
        )
        for n in range(101)
    )
    url = reverse("governance:disposal_list", args=[listed.pk])
    first, second = (dpo_client.get(url, {"page": page}).content.decode() for page in (1, 2))
    assert first.count('name="candidate"') == 100 and second.count('name="candidate"') == 1
    assert "Page 1 of 2" in first and "Approve selected" in second
