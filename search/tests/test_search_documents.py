"""The stored search documents: kept with the saving transaction, accents and hyphens, bounded text, the rebuild
command, query counts that do not grow with the rows, and the SQLite fallback left as it was."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.utils import ConnectionHandler
from django.test.utils import CaptureQueriesContext

from meetings.models import AgendaItem, Appendix, Paper, PaperSection
from meetings.tests.factories import AgendaItemFactory, published_meeting
from search import engine, indexing, sources
from search.models import SearchDocument

pytestmark = pytest.mark.django_db
URL = "/search/"
TWO_MB = " ".join(f"w{n:07d}" for n in range(210_000))  # 2.1 MB of distinct words: over 1 MB as a tsvector


def found(text: str, kind: str | None = None) -> list[str]:
    rows = engine.search_rows(AnonymousUser(), text, engine.Filters(kinds=(kind,) if kind else ()))
    return [hit.title for hit in engine.hits_for(AnonymousUser(), text, list(rows))]


def item(title: str, **fields) -> AgendaItem:
    return AgendaItemFactory(meeting=published_meeting(), section="B", title=title, **fields)


@pytest.mark.django_db(transaction=True)
def test_a_row_is_found_once_its_save_commits_and_not_after_its_delete():
    saved = item("Capybara census")
    assert found("capybara") == [f"{saved.code} Capybara census"]
    paper = Paper.objects.create(item=saved, format="written", subject="Report")
    section = PaperSection.objects.create(paper=paper, position=1, heading="Method", body="Counting *tapirs*.")
    assert found("tapir", "paper") == ["Report"], "a child row's text is in its paper's document at once"
    section.delete()
    assert found("tapir") == []
    with pytest.raises(RuntimeError), transaction.atomic():
        AgendaItem.objects.filter(pk=saved.pk).get().delete()
        raise RuntimeError  # rolled back: the document comes back with the row
    assert found("capybara", "item")
    saved.delete()
    assert found("capybara") == [] and not SearchDocument.objects.filter(kind="item", object_id=saved.pk).exists()


def test_names_typed_without_accents_and_words_with_them_are_found():
    item("Dvořák family support")
    item("Cafe opening hours")
    assert found("dvorak") == found("Dvořák") == found("DVORAK") != []
    assert [title.split(" ", 1)[1] for title in found("café")] == ["Cafe opening hours"]


@pytest.mark.parametrize(
    "typed", ["Safer-Streets", "safer streets", "saferstreets", "SAFER-streets", '"safer streets"']
)
def test_hyphenated_spaced_and_joined_forms_find_each_other(typed):
    item("Safer-Streets fund round")
    item("Funding for saferstreets")
    item("Safer streets in Ashford")
    titles = [title.split(" ", 1)[1] for title in found(typed)]
    assert "Safer-Streets fund round" in titles, typed
    assert "Safer streets in Ashford" in titles, typed  # a typed joined word is also read as two (search/0002)


def test_a_two_megabyte_appendix_is_indexed_bounded_and_search_keeps_working():
    with (
        connection.cursor() as cursor,
        pytest.raises(DatabaseError, match="too long for tsvector"),
        transaction.atomic(),
    ):
        cursor.execute("SELECT to_tsvector('kcsp_english', %s)", [TWO_MB])  # what bounding prevents
    paper = Paper.objects.create(item=item("Data tables"), format="written", subject="Crime data")
    Appendix.objects.create(paper=paper, letter="A", title="Figures", file="a.pdf", original_name="a.pdf",
                            file_kind="pdf", extracted_text=TWO_MB)  # fmt: skip
    assert found("w0000007") == ["Crime data"]
    assert found("w0209999") == [], "text past the bound is not indexed"
    assert "Crime data" in found("crime data")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_size(vector) FROM search_searchdocument WHERE kind = 'paper'")
        assert cursor.fetchone()[0] < 1_000_000


def test_a_row_whose_body_cannot_be_indexed_is_found_by_its_title_and_saves(monkeypatch, caplog):
    for module, name in ((indexing, "PART_LIMIT"), (indexing, "BODY_LIMIT"), (sources, "CHILD_LIMIT")):
        monkeypatch.setattr(module, name, 10**8)  # no bound: the body's vector is refused by PostgreSQL
    paper = Paper.objects.create(item=item("Unbounded"), format="written", subject="Gecko statistics")
    Appendix.objects.create(paper=paper, letter="A", title="Figures", file="a.pdf", original_name="a.pdf",
                            file_kind="pdf", extracted_text=TWO_MB)  # fmt: skip
    assert found("gecko", "paper") == ["Gecko statistics"]
    assert found("w0000007") == []
    assert f"search: paper {paper.pk} could not be indexed" in caplog.text


def test_the_reindex_command_rebuilds_every_document_and_drops_stale_ones(capsys):
    kept = item("Ocelot sightings")
    SearchDocument.objects.all().delete()
    SearchDocument.objects.create(kind="item", object_id=kept.pk + 10_000)
    SearchDocument.objects.create(kind="retired-kind", object_id=1)
    assert found("ocelot") == []
    call_command("search_reindex")
    assert found("ocelot") == [f"{kept.code} Ocelot sightings"]
    assert set(SearchDocument.objects.values_list("kind", flat=True)) <= {s.kind for s in sources.SOURCES}
    assert not SearchDocument.objects.filter(object_id=kept.pk + 10_000).exists()
    assert "Search documents rebuilt" in capsys.readouterr().out
    call_command("search_reindex", kind=["item"])
    with pytest.raises(CommandError, match="Unknown kind nope"):
        call_command("search_reindex", kind=["nope"])


def test_the_queries_of_a_search_do_not_grow_with_the_rows(client):
    meeting = published_meeting()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "heron"}).status_code == 200
        return len(captured)

    AgendaItemFactory(meeting=meeting, section="B", title="Heron survey")
    few = queries()
    for n in range(30):
        AgendaItemFactory(meeting=meeting, section="B", title=f"Heron nest {n}", description="heron")
    assert queries() == few


def test_the_sqlite_fallback_searches_the_rows_and_keeps_no_documents(monkeypatch):
    saved = item("Marmot burrows")
    monkeypatch.setattr(engine, "uses_full_text", lambda: False)
    monkeypatch.setattr(indexing, "enabled", lambda: False)
    SearchDocument.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        assert found("marmot") == [f"{saved.code} Marmot burrows"]
        item("Marmot warren")
    assert not any("search_searchdocument" in query["sql"] for query in captured)
    assert not SearchDocument.objects.exists()


def test_the_migration_runs_on_sqlite_without_the_postgresql_parts():
    from django.db.migrations.executor import MigrationExecutor

    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    sqlite = handler["default"]
    try:
        MigrationExecutor(sqlite).migrate([("search", "0001_initial")])
        with sqlite.cursor() as cursor:
            tables = sqlite.introspection.table_names(cursor)
            indexes = sqlite.introspection.get_constraints(cursor, "search_searchdocument")
        assert "search_searchdocument" in tables
        assert "search_document_vector" not in indexes and "search_document_one_per_row" in indexes
    finally:
        sqlite.close()


def test_standard_items_bulk_created_on_a_new_agenda_are_found():
    from meetings.agenda_setup import standard_items_copy

    meeting = published_meeting()
    meeting.committee.standard_items.create(section="A", position=1, title="Standing item: lemur welfare")
    standard_items_copy(meeting=meeting, previous=None)
    assert [title.split(" ", 1)[1] for title in found("lemur", "item")] == ["Standing item: lemur welfare"]


def test_no_document_ever_holds_the_text_of_domestic_homicide_review_material():
    """DHR items, their papers, minutes and actions are never searchable, so their text is never stored either; an
    item made a DHR item takes its own and its papers' documents away (the paper watches its item)."""
    dhr = item("Review of Adult Q", restriction_reason="dhr")
    Paper.objects.create(item=dhr, format="written", subject="Okapi chronology", summary="Okapi")
    assert not SearchDocument.objects.filter(kind="item", object_id=dhr.pk).exists()
    assert not SearchDocument.objects.filter(kind="paper").exists()
    later = item("Quokka partnership update")
    paper = Paper.objects.create(item=later, format="written", subject="Quokka report")
    assert SearchDocument.objects.filter(kind="paper", object_id=paper.pk).exists()
    later.restriction_reason = "dhr"
    later.save()
    assert not SearchDocument.objects.filter(kind__in=("item", "paper"), object_id__in=(later.pk, paper.pk)).exists()
    indexing.documents_rebuild()
    assert not SearchDocument.objects.filter(kind__in=("item", "paper")).exists()
