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


def test_a_plan_items_actions_and_measures_read_as_the_plan_does_in_snippets(client):
    """A plan item's actions and measures are JSON lists: found by their words, shown as their words (not as
    '["Undertake DHRs", ...]'); any other JSON value still indexes without failing."""
    from agreement import services
    from agreement.models import ActionPlan, PlanVersion, Priority
    from agreement.tests.factories import AgreementFactory, add_item

    agreement = AgreementFactory(is_published=True)
    priority = Priority.objects.create(agreement=agreement, position=1, name="Domestic Abuse")
    version = PlanVersion.objects.create(plan=ActionPlan.objects.create(agreement=agreement))
    add_item(
        version,
        priority,
        "Learn from reviews",
        actions=["Undertake reviews where the quokka criteria are met", "Cascade lessons to partners"],
        measures=["Lessons cascaded within 3 months"],
    )
    odd = add_item(version, priority, "Odd item", actions={"not": "a list"}, measures="quokka scalar")
    services.version_publish(version=version)
    hits = client.get("/search/", {"q": "quokka"}).context["hits"]
    snippets = {hit.title: str(hit.snippet) for hit in hits}
    learn = next(text for title, text in snippets.items() if "Learn from reviews" in title)
    assert "<mark>quokka</mark> criteria" in learn and '["' not in learn and '",' not in learn, learn
    assert any(odd.objective in title for title in snippets), "a row whose lists are not lists is still found"
