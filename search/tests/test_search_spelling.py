"""Spelling variants and joined words (migration search/0002): British and American spellings find each other, a
joined word finds its spaced and hyphenated forms, vectors and queries normalised alike; restricted uploads' text is
found only by those who may open them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings.models import Paper
from meetings.tests.factories import AgendaItemFactory, MembershipFactory, published_meeting
from search import engine
from search.tests.test_search import docx_of

pytestmark = pytest.mark.django_db
URL = "/search/"


def found(text: str) -> list[str]:
    rows = engine.search_rows(AnonymousUser(), text)
    return [hit.title.split(" ", 1)[1] for hit in engine.hits_for(AnonymousUser(), text, list(rows)) if hit.obj]


def item(title: str, **fields):
    return AgendaItemFactory(meeting=published_meeting(), section="B", title=title, **fields)


PAIRS = [
    ("Organisation of the partnership", "organization"),
    ("Organization chart", "organisation"),
    ("Organised crime groups", "organized"),
    ("Prioritization of bids", "prioritisation"),
    ("Analyse the data", "analyze"),
    ("Analyzing the data", "analysing"),
    ("Antisocial behaviour", "behavior"),
    ("Behavioral insights", "behavioural"),
    ("Youth programme", "program"),
    ("Programs for schools", "programmes"),
    ("Community centre", "center"),
    ("Centered on victims", "centred"),
    ("Premises licence review", "license"),
    ("Licensing hearing", "licencing"),
    ("Defence of the realm", "defense"),
    ("Offense data", "offences"),
    ("Neighbourhood watch", "neighborhood"),
]


def test_british_and_american_spellings_find_each_other():
    for title, _ in PAIRS:
        item(title)
    item("Organ donation week")  # shares a stem with the American "organization", never found for it
    for title, typed in PAIRS:
        titles = found(typed)
        assert title in titles, typed
        assert "Organ donation week" not in titles, typed
    assert sorted(found("organisation")) == sorted(found("ORGANIZATIONS")) == sorted(PAIRS[i][0] for i in (0, 1, 2))


def test_joined_spaced_and_hyphenated_forms():
    titles = {"Safer Streets fund": "spaced", "Safer-Streets fund": "hyphenated", "SaferStreets fund": "joined"}
    for title in titles:
        item(title)
    item("Streets that are safer")
    for typed in ("saferstreets", "SaferStreets", "safer streets", "safer-streets", "Safer-Streets"):
        hits = found(typed)
        joined = " " not in typed and "-" not in typed
        assert {"Safer Streets fund", "Safer-Streets fund"} <= set(hits), typed
        assert ("SaferStreets fund" in hits) == joined, "a joined word in a document is not split"
        assert ("Streets that are safer" in hits) != joined, "the two parts of a typed joined word are a phrase"


def test_the_query_keeps_its_meaning_around_the_rewritten_words():
    item("Safer Streets fund")
    item("Knife crime")
    item("Safer Streets and knife crime")
    assert sorted(found("saferstreets -knife")) == ["Safer Streets fund"]
    either = ["Knife crime", "Safer Streets and knife crime", "Safer Streets fund"]
    assert sorted(found("saferstreets or knife")) == either
    assert found('"saferstreets fund"') == ["Safer Streets fund"]
    assert found("") == [] and found("!!! & | (") == []


def test_the_snippet_marks_the_word_as_it_is_written(client):
    item("Report", description="The organization of the Safer Streets behaviour programme.")
    for typed, marked in (
        ("organization", "<mark>organization</mark>"),
        ("saferstreets", "<mark>Safer</mark> <mark>Streets</mark>"),
        ("behavior", "<mark>behaviour</mark>"),
        ("program", "<mark>programme</mark>"),
    ):
        snippet = str(client.get(URL, {"q": typed}).context["hits"][0].snippet)
        assert marked in snippet, (typed, snippet)


def test_an_uploaded_paper_of_a_restricted_item_is_found_by_its_text_only_by_those_entitled(
    client, officer_client, make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = published_meeting()
    restricted = AgendaItemFactory(meeting=meeting, section="D", position=1, title="Case", restriction_reason="crime")
    member, outsider = make_user(roles.MEMBER), make_user(roles.MEMBER)
    MembershipFactory(committee=meeting.committee, person=PersonFactory(user=member))
    docx = docx_of("Wolverine organization network")
    response = officer_client.post(
        f"/meetings/items/{restricted.pk}/papers/upload/",
        {"subject": "Operation notes", "upload": SimpleUploadedFile("notes.docx", docx)},
    )
    assert response.status_code == 302 and Paper.objects.get(subject="Operation notes").extracted_text
    for user, expected in ((None, 0), (outsider, 0), (member, 1)):
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(URL, {"q": "wolverine organisation"})
        assert response.context["page_obj"].paginator.count == expected, user
        assert ("Operation notes" in response.content.decode()) == bool(expected)
        assert "Wolverine" not in response.content.decode() or expected
