"""Written sections are searched by their words, not their markup: escapes and markup punctuation stay out of
the snippets."""

import pytest

from meetings.models import Paper, PaperSection
from meetings.tests.factories import AgendaItemFactory, published_meeting

pytestmark = pytest.mark.django_db


def test_a_section_written_in_markup_is_found_by_its_words_and_its_snippet_shows_no_markup(client):
    item = AgendaItemFactory(meeting=published_meeting(), section="B", position=1)
    paper = Paper.objects.create(item=item, format="written", subject="Written")
    body = "1\\. The **axolotl** programme\n\n| Area | Count |\n|---|---|\n| Dover\\_East | 3 |\n\n# Heading"
    PaperSection.objects.create(paper=paper, position=1, heading="Background", body=body)
    for query in ("axolotl", "Dover"):
        hits = client.get("/search/", {"q": query}).context["hits"]
        assert [hit.title for hit in hits] == ["Written"], query
        snippet = str(hits[0].snippet)
        assert "\\" not in snippet and "**" not in snippet and "|" not in snippet, snippet
