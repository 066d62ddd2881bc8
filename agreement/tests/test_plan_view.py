"""The action plan page people can use (issue 16): RAG tags in words, filters kept in the address, counts per
priority and status, the progress chart equal to its table, the compact view, the empty state, and query counts
that do not grow with the plan or the filters."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from agreement import services
from agreement.models import Theme
from kcsp import roles
from kcsp.models import Organisation
from kcsp.testing import count_queries

from .factories import add_item, agreement_world

pytestmark = pytest.mark.django_db

RAG_KEYS = ["red", "amber", "green", "complete", "none"]


@pytest.fixture
def plan(make_user):
    """The factory world's draft with five items of known priority, lead, status, timescale, theme and grant:

    1.1 website     police  red       March 2023 (long past)  theme early
    1.2 strategy    -       none      -                       -
    1.3 refuges     kcc     green     -                       -            grant-funded
    2.1 campaigns   police  amber     Ongoing                 theme early  grant-funded
    2.2 speed       kcc     complete  January 2020 (past, but complete: not overdue)
    """
    world = agreement_world()
    officer = make_user(roles.OFFICER)
    draft, first, second = world["draft_version"], world["first"], world["second"]
    police = Organisation.objects.create(name="Kent Police")
    kcc = Organisation.objects.create(name="Kent County Council", short_name="KCC")
    early = world["plan_theme"]
    other = Theme.objects.create(agreement=world["agreement"], position=2, name="Communication")
    items = {item.objective: item for item in draft.items.all()}
    website = items["Refresh the Domestic Abuse Services Website"]
    strategy = items["Support delivery of the Domestic Abuse Strategy"]
    campaigns = items["Share road safety campaigns"]
    refuges = add_item(draft, first, "Fund refuge places", grant_funded=True)
    speed = add_item(draft, second, "Speed awareness", timescale="January 2020")
    website.lead_organisations.set([police])
    campaigns.lead_organisations.set([police])
    refuges.lead_organisations.set([kcc])
    speed.lead_organisations.set([kcc])
    campaigns.grant_funded = True
    campaigns.save()
    website.themes.set([early])
    campaigns.themes.set([early])
    for item, status in ((website, "red"), (campaigns, "amber"), (refuges, "green"), (speed, "complete")):
        services.progress_add(item=item, user=officer, year=2022, quarter=1, status=status, narrative="Update")
    client = Client()
    client.force_login(officer)
    return {
        **world,
        "officer": officer,
        "client": client,
        "url": draft.get_absolute_url(),
        "police": police,
        "kcc": kcc,
        "early": early,
        "other": other,
        "items": {"website": website, "strategy": strategy, "refuges": refuges, "campaigns": campaigns, "speed": speed},
    }


def shown(response) -> list[str]:
    """The item numbers the page lists, in order (the full view's cards or the compact view's rows)."""
    return re.findall(
        r'id="item-\d+">.*?<a class="govuk-link" href="/agreement/items/\d+/">([\w./]+)</a>', body(response), re.S
    )


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def counts(response) -> dict:
    """The counts table as {row heading: [red, amber, green, complete, none, total]}."""
    table = re.search(r'<table[^>]*data-testid="plan-counts".*?</table>', body(response), re.S).group(0)
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]:
        heading = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)).strip()
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows[heading] = [int(re.match(r"\d+", re.sub(r"<[^>]+>", "", cell)).group(0)) for cell in cells]
    return rows


def test_each_item_shows_its_status_as_a_coloured_tag_in_words(plan):
    page = body(plan["client"].get(plan["url"]))
    assert '<strong class="govuk-tag govuk-tag--red">Red: off track</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--orange">Amber: at risk</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--green">Green: on track</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--blue">Completed</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--grey">No update yet</strong>' in page
    statuses = re.findall(r'data-testid="item-status">(.*?)</dd>', page, re.S)
    assert len(statuses) == 5
    assert sum("Overdue" in status for status in statuses) == 1, "only the red item past March 2023 is overdue"


def test_the_counts_table_gives_each_priority_by_status_and_the_totals(plan):
    table = counts(plan["client"].get(plan["url"]))
    assert table == {
        "1. Domestic Abuse": [1, 0, 1, 0, 1, 3],
        "2. Road Safety": [0, 1, 0, 1, 0, 2],
        "All priorities": [1, 1, 1, 1, 1, 5],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"priority": "second"}, ["2.1", "2.2"]),
        ({"lead": "police"}, ["1.1", "2.1"]),
        ({"lead": "kcc"}, ["1.3", "2.2"]),
        ({"rag": "red"}, ["1.1"]),
        ({"rag": "none"}, ["1.2"]),
        ({"rag": "complete"}, ["2.2"]),
        ({"overdue": "on"}, ["1.1"]),
        ({"grant": "on"}, ["1.3", "2.1"]),
        ({"theme": "early"}, ["1.1", "2.1"]),
        ({"lead": "police", "grant": "on"}, ["2.1"]),
        ({"priority": "first", "lead": "kcc"}, ["1.3"]),
        ({"theme": "early", "rag": "amber", "priority": "second", "lead": "police", "grant": "on"}, ["2.1"]),
        ({"priority": "first", "rag": "amber"}, []),
    ],
)
def test_each_filter_narrows_and_they_combine(plan, query, expected):
    names = {"first": plan["first"], "second": plan["second"], "police": plan["police"], "kcc": plan["kcc"]}
    names["early"] = plan["early"]
    params = {key: str(names[value].pk) if value in names else value for key, value in query.items()}
    response = plan["client"].get(plan["url"], params)
    assert shown(response) == expected
    if expected:
        assert f"{len(expected)} of 5 items match" in body(response)
        assert sum(counts(response)["All priorities"][:5]) == len(expected)
    else:
        assert "No items match these filters." in body(response)
        assert 'data-testid="plan-counts"' in body(response), "the counts show the zeros"


def test_the_filters_stay_in_the_address_of_the_view_links_and_the_counts(plan):
    police = str(plan["police"].pk)
    response = plan["client"].get(plan["url"], {"lead": police, "grant": "on"})
    page = body(response)
    compact = re.search(r'href="([^"]+)" data-testid="compact-link"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(compact).query) == {"lead": [police], "grant": ["on"], "view": ["compact"]}
    compact_page = plan["client"].get(plan["url"] + compact)
    assert shown(compact_page) == ["2.1"], "the compact view keeps the filters"
    assert '<input type="hidden" name="view" value="compact">' in body(compact_page), "filtering keeps the view"
    full = re.search(r'<a class="govuk-link" href="([^"]+)">full details</a>', body(compact_page)).group(1)
    assert parse_qs(urlsplit(full.replace("&amp;", "&")).query) == {"lead": [police], "grant": ["on"]}
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="(\?[^"]+)"', body(compact_page))]
    count_links = [parse_qs(urlsplit(link).query) for link in links if "rag=" in link]
    assert count_links and all(q["lead"] == [police] and q["view"] == ["compact"] for q in count_links)
    selected = re.search(r'<select[^>]*name="lead".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option value="{police}" selected>Kent Police</option>', selected), "the form shows it"


def test_a_count_links_to_the_items_behind_it(plan):
    page = body(plan["client"].get(plan["url"]))
    table = re.search(r'data-testid="plan-counts".*?</table>', page, re.S).group(0)
    amber = re.search(r'href="([^"]+)">1<span class="govuk-visually-hidden"> Amber: at risk under 2. Road', table)
    assert shown(plan["client"].get(plan["url"] + amber.group(1).replace("&amp;", "&"))) == ["2.1"]


def test_the_chart_gives_the_same_figures_as_the_table_and_is_an_accessible_image(plan):
    response = plan["client"].get(plan["url"], {"grant": "on"})
    page = body(response)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="plan-progress-title plan-progress-desc"' in svg
    assert '<title id="plan-progress-title">' in svg and '<desc id="plan-progress-desc">2 items in all' in svg
    segments = re.findall(r"<rect [^>]*><title>([^<]+?): ([^<]+) (\d+)</title></rect>", svg)
    charted = {}
    for bar, status, count in segments:
        charted.setdefault(bar, {})[status] = int(count)
    labels = ["Red: off track", "Amber: at risk", "Green: on track", "Completed", "No update yet"]
    table = counts(response)
    for heading, figures in table.items():
        if heading == "All priorities":
            continue
        assert [charted.get(heading, {}).get(label, 0) for label in labels] == figures[:5], heading
    assert table == {"1. Domestic Abuse": [0, 0, 1, 0, 0, 1], "2. Road Safety": [0, 1, 0, 0, 0, 1],
                     "All priorities": [0, 1, 1, 0, 0, 2]}  # fmt: skip


def test_the_compact_view_is_one_table_row_per_item(plan):
    response = plan["client"].get(plan["url"], {"view": "compact"})
    page = body(response)
    assert page.count('data-testid="plan-compact"') == 2, "one table per priority"
    assert shown(response) == ["1.1", "1.2", "1.3", "2.1", "2.2"]
    assert "govuk-summary-card" not in page and "Move up" not in page
    assert "<strong>compact table</strong>" in page


def test_the_long_page_is_navigable(plan):
    page = body(plan["client"].get(plan["url"]))
    contents = re.search(r'data-testid="plan-contents".*?</nav>', page, re.S).group(0)
    for anchor, heading in (("priority-1", "1. Domestic Abuse"), ("priority-2", "2. Road Safety")):
        assert f'<a class="govuk-link" href="#{anchor}">{heading}</a>' in contents
        assert f'id="{anchor}">{heading}</h2>' in page
    assert page.count('href="#main-content">Back to top</a>') == 2


def test_a_value_not_offered_is_named_and_the_other_filters_still_apply(plan):
    response = plan["client"].get(plan["url"], {"lead": "999999", "rag": "purple", "grant": "on"})
    page = body(response)
    assert "There is a problem" in page
    assert "Select a lead organisation from the list" in page and "Select a status from the list" in page
    assert shown(response) == ["1.3", "2.1"]


def test_the_filters_offer_only_what_the_plan_names(plan):
    form = plan["client"].get(plan["url"]).context["form"]
    assert [label for _, label in form.fields["lead"].choices] == ["Any lead", "KCC", "Kent Police"]
    assert [label for _, label in form.fields["theme"].choices] == ["Any theme", plan["early"].name]
    unused = Organisation.objects.create(name="Unused Council")
    page = body(plan["client"].get(plan["url"]))
    assert "Unused Council" not in page and f'value="{unused.pk}"' not in page


def test_the_public_sees_the_published_version_only_and_no_internal_status(plan, make_user):
    published = plan["published_version"]
    item = plan["published_item"]
    services.progress_add(item=item, user=plan["officer"], year=2022, quarter=1, status="green", narrative="Public")
    services.progress_add(
        item=item, user=plan["officer"], year=2022, quarter=2, status="red", narrative="Internal", internal=True
    )
    public = Client()
    assert public.get(plan["url"], {"rag": "red"}).status_code == 404, "a draft stays hidden, filtered or not"
    response = public.get(published.get_absolute_url())
    assert shown(response) == ["1.1", "2.1"] and "Speed awareness" not in body(response)
    assert counts(response)["All priorities"] == [0, 1, 1, 0, 0, 2], "the internal red is not counted"
    assert shown(public.get(published.get_absolute_url(), {"rag": "red"})) == []
    lead = public.get(published.get_absolute_url(), {"lead": str(plan["police"].pk)})
    assert "Select a lead organisation from the list" in body(lead), "a draft's lead is not offered"
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    assert shown(member.get(published.get_absolute_url(), {"rag": "red"})) == ["1.1"], "members see internal"


def test_query_counts_do_not_grow_with_items_or_filters(plan):
    draft, client = plan["draft_version"], plan["client"]
    queries = [
        {},
        {"view": "compact"},
        {"lead": str(plan["police"].pk), "grant": "on"},
        {"rag": "red", "overdue": "on", "theme": str(plan["early"].pk), "priority": str(plan["first"].pk)},
    ]

    def measure():
        return [count_queries(client, f"{plan['url']}?{'&'.join(f'{k}={v}' for k, v in q.items())}") for q in queries]

    five = measure()
    for n in range(35):
        item = add_item(
            draft,
            plan["first"] if n % 2 else plan["second"],
            f"More work {n}",
            timescale="March 2023",
            grant_funded=bool(n % 3),
        )
        item.lead_organisations.set([plan["police"], plan["kcc"]])
        item.themes.set([plan["early"], plan["other"]])
        status = ["red", "amber", "green", "complete"][n % 4]
        services.progress_add(item=item, user=plan["officer"], year=2022, quarter=1, status=status, narrative="x")
    assert draft.items.current().count() == 40
    assert measure() == five
    assert len(set(five)) == 1, f"filters add no queries: {five}"


def test_an_item_past_its_timescale_is_overdue_until_completed(plan):
    today = timezone.localdate()
    if today < datetime.date(2023, 4, 1):
        pytest.skip("the fixture's March 2023 timescale must have passed")
    response = plan["client"].get(plan["url"], {"overdue": "on"})
    assert shown(response) == ["1.1"] and "1 item is past its timescale" in body(response)
    services.progress_add(
        item=plan["items"]["website"], user=plan["officer"], year=2023, quarter=1, status="complete", narrative="Done"
    )
    assert shown(plan["client"].get(plan["url"], {"overdue": "on"})) == []
