"""The pages of circulation and amendments, who may open them, the minutes page showing amendments, the approval
link to the "minutes of the previous meeting" minute, and generated input to the amendment form."""

# ruff: noqa: F811  (the fixtures imported from amendment_world are redefined as arguments)

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.amendments import amendment_decide, amendment_propose, minutes_circulate
from meetings.minuting import minute_save
from meetings.models import AgendaItem, Meeting, Minute, MinuteAmendment
from meetings.signing import minutes_approve

from .amendment_world import PUBLIC_TEXT, signed_in, site_url, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
NEW_TEXT = "The working group reported on the plan and its funding.\n\nRESOLVED that the update be noted."


def circulated(world):
    minutes_circulate(meeting=world["march"], user=world["users"]["clerk"])
    world["march"].refresh_from_db()


def proposal(world, who="member", kind="public", text=NEW_TEXT):
    return amendment_propose(minute=world["minutes"][kind], user=world["users"][who], proposed_text=text, note="Why")


def sign(world):
    return minutes_approve(meeting=world["march"], at_meeting=world["july"], user=world["users"]["chair"])


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# --- who may open each page ------------------------------------------------------------------------------------


def test_each_page_lets_in_the_right_person_and_refuses_everyone_else(world, make_user):
    circulated(world)
    amendment = proposal(world)
    users = {**world["users"], "no role": make_user()}
    opens = {
        reverse("meetings:minutes_circulate", args=[world["march"].pk]): {"clerk"},
        reverse("meetings:amendment_propose", args=[world["minutes"]["public"].pk]): {
            "member",
            "guest",
            "visitor",
            "substitute",
        },
        reverse("meetings:amendment_decide", args=[amendment.pk]): {"clerk"},
    }
    problems = []
    for url, allowed in opens.items():
        anonymous = Client().get(url)
        if anonymous.status_code != 302 or not anonymous["Location"].startswith(reverse("login")):
            problems.append(f"{url}: anonymous answered {anonymous.status_code}")
        for name, user in users.items():
            status = signed_in(user).get(url).status_code
            if (name in allowed and status != 200) or (name not in allowed and status not in (403, 404)):
                problems.append(f"{url} as {name}: {status}")
    assert not problems, "\n".join(problems)


def test_someone_who_did_not_attend_is_told_why_they_cannot_propose(world):
    circulated(world)
    response = signed_in(world["users"]["absent"]).get(
        reverse("meetings:amendment_propose", args=[world["minutes"]["public"].pk])
    )
    assert response.status_code == 403 and "Only those who attended" in response.content.decode()


def test_a_restricted_or_dhr_minute_is_not_found_by_an_attendee_not_entitled_to_it(world):
    circulated(world)
    for who, kind in (("guest", "restricted"), ("guest", "dhr"), ("member", "dhr")):
        url = reverse("meetings:amendment_propose", args=[world["minutes"][kind].pk])
        assert signed_in(world["users"][who]).get(url).status_code == 404, (who, kind)
    assert (
        signed_in(world["users"]["member"])
        .get(reverse("meetings:amendment_propose", args=[world["minutes"]["restricted"].pk]))
        .status_code
        == 200
    )  # a member who attended reads the restricted part


# --- circulating -------------------------------------------------------------------------------------------------


def test_the_clerk_circulates_and_circulating_again_says_so(world, django_capture_on_commit_callbacks):
    clerk, url = signed_in(world["users"]["clerk"]), reverse("meetings:minutes_circulate", args=[world["march"].pk])
    assert "4 people recorded as attending" in page(clerk, url)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("meetings:minutes", args=[world["march"].pk])
    assert "Draft minutes circulated: 4 people who attended told by e-mail." in said(response)
    assert "circulating again" in page(clerk, url) and len(mail.outbox) == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(url)
    assert "circulated again" in said(response) and len(mail.outbox) == 8
    sign(world)
    response = clerk.post(url)
    assert "approved and signed" in said(response)


# --- proposing ---------------------------------------------------------------------------------------------------


def test_an_attendee_proposes_through_the_page_opened_on_the_minutes_wording(world):
    url = reverse("meetings:amendment_propose", args=[world["minutes"]["public"].pk])
    guest = signed_in(world["users"]["guest"])
    response = signed_in(world["users"]["member"]).get(url)
    assert response.status_code == 302 and "not been circulated" in said(response)
    assert guest.get(url).status_code == 404  # not a member: the draft is not theirs to read until circulated
    circulated(world)
    response = guest.get(url)
    assert response.context["form"]["proposed_text"].value() == PUBLIC_TEXT
    refused = guest.post(url, {"proposed_text": PUBLIC_TEXT, "note": "Nothing changed"})
    assert refused.status_code == 200 and "wording now" in refused.content.decode()
    assert "Nothing changed" in refused.content.decode() and not MinuteAmendment.objects.exists()
    response = guest.post(url, {"proposed_text": NEW_TEXT, "note": "Funding was discussed"})
    assert response.status_code == 302 and response["Location"].endswith("#minute-1")
    amendment = MinuteAmendment.objects.get()
    assert (amendment.proposed_text, amendment.note, amendment.based_on_text) == (
        NEW_TEXT,
        "Funding was discussed",
        PUBLIC_TEXT,
    )
    sign_ready = amendment_decide(amendment=amendment, user=world["users"]["clerk"], accept=False, reason="No")
    assert sign_ready.status == "rejected"
    sign(world)
    response = guest.get(url)
    assert response.status_code == 302 and "after approval" in said(response)


# --- deciding ----------------------------------------------------------------------------------------------------


def test_the_clerk_accepts_through_the_page_once(world):
    circulated(world)
    amendment = proposal(world)
    clerk, url = signed_in(world["users"]["clerk"]), reverse("meetings:amendment_decide", args=[amendment.pk])
    body = page(clerk, url)
    assert "<del>" in body and "<ins>" in body and "its funding" in body and "by hand" not in body
    refused = clerk.post(url, {"decision": "accept", "reason": "   "})
    assert refused.status_code == 200 and "Give the reason" in refused.content.decode()
    assert MinuteAmendment.objects.get().status == "proposed"
    response = clerk.post(url, {"decision": "accept", "reason": "It was said."})
    assert response.status_code == 302 and "accepted" in said(response)
    assert Minute.objects.get(pk=world["minutes"]["public"].pk).text == NEW_TEXT
    again = clerk.post(url, {"decision": "reject", "reason": "Changed my mind."})
    assert again.status_code == 302 and "already accepted" in said(again)
    assert MinuteAmendment.objects.get().decision_reason == "It was said."


def test_the_decide_page_warns_of_a_minute_changed_since_and_offers_accepting_by_hand(world):
    circulated(world)
    amendment = proposal(world)
    minute = Minute.objects.get(pk=world["minutes"]["public"].pk)
    minute.text = PUBLIC_TEXT + "\n\nThe chairman thanked the group."
    minute_save(minute=minute)
    clerk, url = signed_in(world["users"]["clerk"]), reverse("meetings:amendment_decide", args=[amendment.pk])
    assert "has changed since this amendment was proposed" in page(clerk, url)
    refused = clerk.post(url, {"decision": "accept", "reason": "Yes."})
    assert refused.status_code == 200 and "Edit the minute by hand" in refused.content.decode()
    assert clerk.post(url, {"decision": "accept_by_hand", "reason": "Added by hand."}).status_code == 302
    assert Minute.objects.get(pk=minute.pk).text == minute.text
    assert MinuteAmendment.objects.get().status == "accepted"


# --- the minutes page --------------------------------------------------------------------------------------------


def test_the_draft_shows_each_minutes_amendments_to_the_clerk_and_attendees_only(world):
    circulated(world)
    amendment = proposal(world)
    restricted = proposal(world, kind="restricted", text="Heron: a plan was agreed.")
    url = reverse("meetings:minutes", args=[world["march"].pk])
    clerk = page(signed_in(world["users"]["clerk"]), url)
    assert f'data-testid="amendment-{amendment.pk}"' in clerk and f'data-testid="amendment-{restricted.pk}"' in clerk
    assert reverse("meetings:amendment_decide", args=[amendment.pk]) in clerk and "Circulate again" in clerk
    assert "2 proposed amendments to decide" in clerk
    assert "Propose an amendment" not in clerk  # the clerk did not attend
    guest = page(signed_in(world["users"]["guest"]), url)
    assert f'data-testid="amendment-{amendment.pk}"' in guest and "Heron" not in guest
    assert reverse("meetings:amendment_propose", args=[world["minutes"]["public"].pk]) in guest
    assert reverse("meetings:amendment_decide", args=[amendment.pk]) not in guest
    member = page(signed_in(world["users"]["nonattending_member"]), url)
    assert "working group reported" in member and "amendment-" not in member and "Propose an amendment" not in member
    assert "working group reported" not in page(signed_in(world["users"]["stranger"]), url)


def test_after_signing_the_amendments_made_show_below_the_signed_record(world):
    circulated(world)
    clerk = world["users"]["clerk"]
    accepted = proposal(world)
    amendment_decide(amendment=accepted, user=clerk, accept=True, reason="Agreed at the meeting.")
    rejected = proposal(world, who="guest", text=NEW_TEXT + "\n\nMore.")
    amendment_decide(amendment=rejected, user=clerk, accept=False, reason="Not what was said.")
    dhr = MinuteAmendment.objects.create(
        minute=world["minutes"]["dhr"],
        proposed_by=clerk,
        proposer_name="Osprey proposer",
        based_on_text="x",
        proposed_text="y",
        status="rejected",
        decision_reason="Osprey reason",
    )
    sign(world)
    body = page(Client(), reverse("meetings:minutes", args=[world["march"].pk]))
    record, _, below = body.partition("Amendments proposed to the draft of these minutes")
    assert "its funding" in record and below  # the accepted wording is in the signed record
    assert "Agreed at the meeting." in below and "Accepted" in below
    # A rejected proposal is never published: its wording may be what must not be on the record.
    assert "Not what was said." not in body and "Rejected" not in below and "More." not in body
    assert f'data-testid="amendment-{dhr.pk}"' not in body and "Osprey" not in body
    assert "Propose an amendment" not in body and "Accept or reject" not in body
    clerk_view = page(signed_in(clerk), reverse("meetings:minutes", args=[world["march"].pk]))
    assert "Not what was said." in clerk_view and "Rejected" in clerk_view  # officers see every decision


# --- the approval link -------------------------------------------------------------------------------------------


def test_the_signed_minutes_link_to_the_minute_that_agreed_them_once_it_is_written(world):
    march, july = world["march"], world["july"]
    sign(world)
    url = reverse("meetings:minutes", args=[march.pk])
    assert "#minute-" not in page(Client(), url)  # signed on the day, before that minute exists
    notes = AgendaItem.objects.create(
        meeting=july, section="A", position=4, title=f"Notes of meeting held on {march.date:%-d %B %Y}"
    )
    clerk = signed_in(world["users"]["clerk"])
    create = reverse("meetings:minute_create", args=[july.pk])
    form = clerk.get(f"{create}?item={notes.pk}").context["form"]
    assert form["approves_minutes_of"].value() == march.pk and form["item"].value() == notes.pk
    data = {"item": notes.pk, "title": "Notes", "text": "RESOLVED that the notes be agreed.", "position": "end"}
    response = clerk.post(create, {**data, "approves_minutes_of": march.pk})
    assert response.status_code == 302
    minute = Minute.objects.get(meeting=july)
    assert minute.approves_minutes_of == march
    body = page(Client(), url)
    assert f'href="{reverse("meetings:minutes", args=[july.pk])}#minute-{minute.number}"' in body
    assert f'id="minute-{minute.number}"' in page(clerk, reverse("meetings:minutes", args=[july.pk]))


def test_the_notes_item_preselects_the_previous_meeting_and_other_items_do_not(world):
    july = world["july"]
    notes = AgendaItem.objects.create(meeting=july, section="A", position=4, title="Notes of the last meeting")
    other = AgendaItem.objects.create(meeting=july, section="B", position=1, title="Action plan")
    clerk = signed_in(world["users"]["clerk"])
    minutes_page = page(clerk, reverse("meetings:minutes", args=[july.pk]))
    assert f"?item={notes.pk}" in minutes_page  # the clerk is offered that minute
    create = reverse("meetings:minute_create", args=[july.pk])
    form = clerk.get(f"{create}?item={notes.pk}").context["form"]
    assert form["approves_minutes_of"].value() == world["march"].pk
    html = clerk.get(f"{create}?item={notes.pk}").content.decode()
    assert f'value="{world["march"].pk}" selected' in html
    for query in (f"?item={other.pk}", "", "?item=x", f"?item={world['minutes']['public'].item_id}"):
        form = clerk.get(f"{create}{query}").context["form"]
        assert form["approves_minutes_of"].value() is None, query


# --- generated input ---------------------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
SPECIAL = st.sampled_from(["", " ", "\r\n", PUBLIC_TEXT, PUBLIC_TEXT + "\r\n", "<script>x</script>", "x" * 50_001])


def test_no_generated_amendment_breaks_the_page_or_saves_half_a_proposal(world):
    circulated(world)
    url = reverse("meetings:amendment_propose", args=[world["minutes"]["public"].pk])
    client = signed_in(world["users"]["member"])
    minute = world["minutes"]["public"]

    def rows():
        return (
            MinuteAmendment.objects.count(),
            MinuteAmendment.history.count(),
            Minute.history.count(),
            Meeting.history.count(),
        )

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(text=st.one_of(TEXT, SPECIAL), note=st.one_of(TEXT, SPECIAL))
    def post(text, note):
        before = rows()
        response = client.post(url, {"proposed_text": text, "note": note})
        assert response.status_code in (200, 302), response.status_code
        after = rows()
        if response.status_code == 302:
            newest = MinuteAmendment.objects.order_by("-pk").first()
            assert after == (before[0] + 1, before[1] + 1, before[2], before[3])
            assert newest.based_on_text == minute.text and newest.proposed_text.strip()
        else:
            assert "There is a problem" in response.content.decode() and after == before
        assert Minute.objects.get(pk=minute.pk).text == PUBLIC_TEXT  # a proposal never changes the minute

    post()
