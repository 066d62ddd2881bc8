"""Print or download pages: the page list read against the pack's own numbers, and the PDF of just those pages."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from kcsp.models import FileDownload
from meetings.pack_pages import pages_parse, pages_text

from .reader_files_world import reader_world, texts, url  # noqa: F401 - the fixture

NUMBERED = [str(n) for n in range(1, 213)]
INSERTED = ["1", "2", "2a", "2b", "3", "4", "5", "5a", "6"]


def test_a_page_list_names_pages_in_pack_order_each_once():
    assert pages_parse("5-9, 23", NUMBERED) == [4, 5, 6, 7, 8, 22]
    assert pages_parse(" 23 ,5 – 7,6,,", NUMBERED) == [4, 5, 6, 22]
    assert pages_parse("2-3", INSERTED) == [1, 2, 3, 4], "a range takes the inserted pages 2a and 2b"
    assert pages_parse("5A, 2b-3", INSERTED) == [3, 4, 7]
    assert pages_text([1, 2, 3, 4, 7], INSERTED) == "2-3, 5a"


@pytest.mark.parametrize(
    "text, message",
    [
        ("five", "Enter pages like 5-9, 23"),
        ("5-9-12", "Enter pages like 5-9, 23"),
        ("5 9", "Enter pages like 5-9, 23"),
        ("9-5", "Enter pages like 5-9, 23: 9-5 ends before it starts"),
        ("400", "There is no page 400: this pack's pages are 1 to 212"),
        ("3-400", "There is no page 400: this pack's pages are 1 to 212"),
        ("1" * 201, "Enter pages like 5-9, 23, in at most 200 characters"),
    ],
)
def test_a_page_list_that_is_not_one_is_refused_naming_the_rule(text, message):
    with pytest.raises(ValidationError) as refused:
        pages_parse(text, NUMBERED)
    assert refused.value.messages == [message]


LABEL_LISTS = st.lists(st.sampled_from(["", "a", "b"]), min_size=1, max_size=40).map(
    lambda suffixes: [f"{n}{suffix}" for n, suffix in enumerate(suffixes, start=1)]
)


@settings(max_examples=60, deadline=None)
@given(labels=LABEL_LISTS, data=st.data())
def test_any_choice_of_pages_written_as_a_list_reads_back_as_itself(labels, data):
    chosen = data.draw(st.sets(st.integers(0, len(labels) - 1), min_size=1))
    assert pages_parse(pages_text(sorted(chosen), labels), labels) == sorted(chosen)


@settings(max_examples=80, deadline=None)
@given(text=st.text(st.sampled_from("0123456789ab-–, x"), max_size=30))
def test_any_typed_text_gives_pages_in_order_or_a_named_refusal(text):
    try:
        pages = pages_parse(text, INSERTED)
    except ValidationError as error:
        assert error.messages[0].startswith(("Enter pages like 5-9, 23", "There is no page "))
    else:
        assert pages == sorted(set(pages)) and all(0 <= page < len(INSERTED) for page in pages)


@pytest.mark.django_db
def test_pages_2_3_of_a_public_pack_are_exactly_those_pack_pages(reader_world):  # noqa: F811
    pack = reader_world["packs"]["public"]
    response = reader_world["clients"]["member"].get(url(reader_world, "public", "pages/"), {"pages": "2-3"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.sent_by_file_send and 'pages 2-3.pdf"' in response["Content-Disposition"]
    pack_pages = texts(pack.file.open("rb").read())
    assert texts(response.content) == pack_pages[1:3]
    assert "Page 2" in pack_pages[1] and "BODY-2" in pack_pages[1]
    assert PdfReader(io.BytesIO(response.content)).page_labels == ["2", "3"]
    assert not FileDownload.objects.exists()


@pytest.mark.django_db
def test_pages_of_a_restricted_pack_keep_the_marking_gain_the_watermark_and_are_recorded(reader_world):  # noqa: F811
    member = reader_world["users"]["member"]
    pack = reader_world["packs"]["restricted"]
    pack.page_labels = ["1", "2", "2a", "3"]
    pack.save()
    item = pack.contents.get(what="item")
    response = reader_world["clients"]["member"].get(url(reader_world, "restricted", "pages/"), {"item": item.pk})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    pages = texts(response.content)
    assert [("BODY-2" in p, "BODY-3" in p) for p in pages] == [(True, False), (False, True)]
    assert all("OFFICIAL-SENSITIVE" in p and member.person.display_name in p for p in pages)
    assert PdfReader(io.BytesIO(response.content)).page_labels == ["2", "2a"]
    assert FileDownload.objects.get(user=member).what.startswith("Pages 2-2a of the Restricted pack")


@pytest.mark.django_db
def test_the_pages_form_names_each_rule_and_keeps_what_was_typed(reader_world):  # noqa: F811
    client, address = reader_world["clients"]["member"], url(reader_world, "restricted", "pages/")
    page = client.get(address).content.decode()
    assert "Print or download pages of the restricted pack" in page and "at the foot of each page" in page
    assert "Prevent update (pages 2 to 3)" in page
    for typed, message in [
        ("2-3, x-", "Enter pages like 5-9, 23"),
        ("400", "There is no page 400: this pack&#x27;s pages are 1 to 4"),
        ("", "Choose pages or items to print"),
    ]:
        answer = client.get(address, {"pages": typed})
        assert answer.status_code == 200 and answer["Content-Type"].startswith("text/html")
        text = answer.content.decode()
        assert message in text
        assert not typed or f'value="{typed}"' in text, "what was typed is kept"
    assert client.get(address, {"item": "999999"}).status_code == 200
    assert not FileDownload.objects.exists()
    assert reader_world["clients"]["member"].get(url(reader_world, "dhr", "pages/")).status_code == 404


@pytest.mark.django_db
def test_the_form_posted_is_sent_on_to_its_get_answer_and_never_makes_the_file(reader_world):  # noqa: F811
    client, address = reader_world["clients"]["member"], url(reader_world, "restricted", "pages/")
    posted = client.post(address, {"pages": "2-3"})
    assert posted.status_code == 302 and posted["Location"] == f"{address}?pages=2-3"
    refused = client.post(address, {"pages": "400"})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert not FileDownload.objects.exists()


@pytest.mark.django_db
def test_the_get_form_sends_only_pages_and_items_in_the_address(reader_world):  # noqa: F811
    """No CSRF token (a GET form's fields go into the address, and into history and logs) and no button value."""
    html = reader_world["clients"]["member"].get(url(reader_world, "restricted", "pages/")).content.decode()
    form = re.search(r'<form method="get"[^>]*>(.*?)</form>', html, re.S).group(1)
    assert set(re.findall(r'\sname="([^"]+)"', form)) == {"pages", "item"}
    assert "csrfmiddlewaretoken" not in form
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Get these pages \(PDF\)\s*</button>', form)
