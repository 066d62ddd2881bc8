"""Action plan rules and pages: numbering, versions, concurrent edits, history, overdue and exceptions, visibility."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from agreement import selectors, services
from agreement.forms import PlanItemForm
from agreement.models import Agreement, PlanItem, ProgressUpdate
from kcsp import roles
from kcsp.locking import VERSION_FIELD, record_version
from kcsp.testing import assert_queries_constant

from .factories import add_item, agreement_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return agreement_world()


def numbers(version):
    return [(i.number, i.objective) for i in version.items.current().order_by("priority__position", "position")]


def test_items_are_numbered_per_priority_and_renumber_when_moved_or_retired(world):
    draft, first = world["draft_version"], world["first"]
    third = add_item(draft, first, "Third objective")
    assert numbers(draft) == [
        ("1.1", "Refresh the Domestic Abuse Services Website"),
        ("1.2", "Support delivery of the Domestic Abuse Strategy"),
        ("1.3", "Third objective"),
        ("2.1", "Share road safety campaigns"),
    ]
    assert services.plan_item_move(item=PlanItem.objects.get(pk=third.pk), direction="up")
    assert [n for n, o in numbers(draft)][:3] == ["1.1", "1.2", "1.3"]
    assert numbers(draft)[1][1] == "Third objective"
    services.plan_item_retire(item=PlanItem.objects.get(pk=world["draft_item"].pk))
    assert numbers(draft)[:2] == [
        ("1.1", "Third objective"),
        ("1.2", "Support delivery of the Domestic Abuse Strategy"),
    ]


def test_published_versions_are_frozen_and_a_new_draft_is_a_copy(world):
    published, draft = world["published_version"], world["draft_version"]
    assert published.label == "Version 1" and draft.label == "Draft"
    with pytest.raises(ValidationError, match="published"):
        add_item(published, world["first"], "Too late")
    with pytest.raises(ValidationError, match="draft already exists"):
        services.version_new_draft(plan=world["plan"])
    copied = draft.items.get(objective="Refresh the Domestic Abuse Services Website")
    assert copied.key == world["published_item"].key and copied.pk != world["published_item"].pk
    version_2 = services.version_publish(version=draft)
    assert version_2.label == "Version 2" and version_2.is_frozen


def edit_form(item, **changes):
    data = {
        "priority": item.priority_id,
        "category": item.category,
        "category_other": item.category_other,
        "objective": item.objective,
        "actions": "\n".join(item.actions),
        "measures": "\n".join(item.measures),
        "timescale": item.timescale,
        "lead_text": item.lead_text,
        "linked_groups": item.linked_groups,
        VERSION_FIELD: record_version(item, [*PlanItemForm._meta.fields, "position", "retired"]),
    }
    data.update(changes)
    return data


def test_two_officers_editing_the_same_item_the_second_save_is_refused_and_keeps_what_was_typed(world, make_user):
    item = world["draft_item"]
    first, second = Client(), Client()
    first.force_login(make_user(roles.OFFICER))
    second.force_login(make_user(roles.OFFICER))
    url = f"/agreement/items/{item.pk}/edit/"
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    assert first.post(url, edit_form(item, objective="First officer's objective")).status_code == 302
    response = second.post(url, edit_form(item, objective="Second officer's objective", timescale="June 2023"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this plan item since you opened it" in body
    assert "Objective or planned outcome" in body
    assert "Second officer&#x27;s objective" in body, "what the second officer typed is kept"
    assert "First officer&#x27;s objective" in body, "and they see what is saved now"
    assert PlanItem.objects.get(pk=item.pk).objective == "First officer's objective"
    item.refresh_from_db()
    again = second.post(url, edit_form(item, objective="Second officer's objective"))
    assert again.status_code == 302, "a deliberate second save after review goes through"
    history = PlanItem.objects.get(pk=item.pk).history.all()
    assert [h.objective for h in history[:2]] == ["Second officer's objective", "First officer's objective"]


def test_history_is_visible_on_the_item_to_signed_in_users_only(world, make_user):
    item = world["published_item"]
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    assert 'data-testid="history"' in member.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="history"' not in Client().get(item.get_absolute_url()).content.decode()


def test_bad_timescale_and_missing_other_category_are_explained(world, make_user):
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    item = world["draft_item"]
    body = officer.post(
        f"/agreement/items/{item.pk}/edit/", edit_form(item, timescale="soon", category="other")
    ).content.decode()
    assert "Enter the timescale as a month and year, like March 2023, or as Ongoing" in body
    assert "Enter the other category" in body


@pytest.mark.parametrize(
    ("today", "status", "overdue"),
    [
        (datetime.date(2023, 3, 31), None, False),
        (datetime.date(2023, 4, 1), None, True),
        (datetime.date(2023, 4, 1), ProgressUpdate.Status.GREEN, True),
        (datetime.date(2023, 4, 1), ProgressUpdate.Status.COMPLETE, False),
    ],
)
def test_overdue_boundary_is_the_end_of_the_timescale_month(today, status, overdue):
    item = PlanItem(timescale="March 2023", due_month=PlanItem.parse_timescale("March 2023"))
    assert item.is_overdue(status, today) is overdue
    assert PlanItem(timescale="Ongoing", due_month=None).is_overdue(None, today) is False


def test_exception_report_lists_red_amber_and_overdue_items_only(world, make_user):
    version = world["published_version"]
    officer = make_user(roles.OFFICER)
    website, road = version.items.order_by("priority__position")
    services.progress_add(item=road, user=officer, year=2022, quarter=1, status="amber", narrative="At risk")
    services.progress_add(item=website, user=officer, year=2022, quarter=1, status="green", narrative="On track")
    flagged = selectors.exception_items(version, today=datetime.date(2023, 3, 1))
    assert [i.pk for i in flagged] == [road.pk]
    flagged = selectors.exception_items(version, today=datetime.date(2023, 4, 1))
    assert {i.pk for i in flagged} == {road.pk, website.pk}, "March 2023 has passed without completion"
    services.progress_add(item=website, user=officer, year=2022, quarter=4, status="complete", narrative="Done")
    assert [i.pk for i in selectors.exception_items(version, today=datetime.date(2023, 4, 1))] == [road.pk]


def test_public_sees_the_published_plan_but_no_drafts_and_no_internal_narratives(world, make_user):
    item = world["published_item"]
    officer = make_user(roles.OFFICER)
    services.progress_add(item=item, user=officer, year=2022, quarter=1, status="red", narrative="Public note")
    services.progress_add(
        item=item, user=officer, year=2022, quarter=2, status="red", narrative="Internal note", internal=True
    )
    public = Client()
    assert public.get(world["draft_version"].get_absolute_url()).status_code == 404
    assert public.get(world["draft_item"].get_absolute_url()).status_code == 404
    body = public.get(item.get_absolute_url()).content.decode()
    assert "Public note" in body and "Internal note" not in body
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    assert "Internal note" in member.get(item.get_absolute_url()).content.decode()
    assert member.get(world["draft_version"].get_absolute_url()).status_code == 404
    Agreement.objects.filter(pk=world["agreement"].pk).update(is_published=False)
    assert public.get(world["agreement"].get_absolute_url()).status_code == 404


def test_plan_page_query_count_does_not_grow_with_items(world, make_user):
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    draft = world["draft_version"]

    def grow():
        for n in range(6):
            add_item(draft, world["second"], f"More work {n}", timescale="March 2023")

    assert_queries_constant(officer, draft.get_absolute_url(), grow)
    assert_queries_constant(Client(), world["published_version"].get_absolute_url(), lambda: None)


def test_changes_from_the_previous_year_read_as_the_report_does(settings, demo_load):
    from kcsp.demo_clock import REFERENCE_TODAY

    settings.DEBUG = True
    demo_load(REFERENCE_TODAY)  # as `manage.py demo --today 2022-10-31`
    changes = Agreement.objects.get(year=2022).changes_from_previous()
    assert "Priority renamed: 'Anti-Social Behaviour (ASB)' became 'Preventing Neighbourhood Crime and ASB'" in changes
    assert "New priority: Violence Against Women & Girls" in changes
    assert any(c.startswith("Cross-cutting theme renamed: 'Response and Recovery from the COVID-19") for c in changes)
    assert not any("Multiple" in c for c in changes)
    plan = Agreement.objects.get(year=2022).plan.versions.get()
    assert plan.items.count() == 29 and plan.items.filter(grant_funded=True).count() == 6
