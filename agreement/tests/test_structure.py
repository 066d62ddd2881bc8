"""The agreement kept by officers: create and edit with its period, priorities and themes (add, edit, reorder,
remove), next year's agreement as a copy with what changed, the action plan created with its numbering and layout."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from agreement import structure_services
from agreement.models import ActionPlan, Agreement, PlanItem, PlanVersion, Priority, Theme
from kcsp import roles
from kcsp.testing import opened

from .factories import AgreementFactory, add_item, agreement_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    return client


def test_officer_creates_an_agreement_and_a_year_outside_its_period_is_refused_by_name(officer):
    assert "Create an agreement" in officer.get("/agreement/").content.decode()
    data = {"year": 2025, "title": "Kent Community Safety Agreement 2025/26", "period_starts": 2021, "period_years": 3}
    body = officer.post("/agreement/new/", data).content.decode()
    assert "must lie within its period: 3 year(s) starting in 2021/22 covers 2021/22 to 2023/24" in body
    assert "Kent Community Safety Agreement 2025/26" in body, "what was typed is kept"
    assert not Agreement.objects.filter(year=2025).exists()
    response = officer.post("/agreement/new/", {**data, "period_starts": 2024})
    assert response.status_code == 302
    agreement = Agreement.objects.get(year=2025)
    assert agreement.period_label == "2024/25 to 2026/27" and not agreement.is_published
    again = officer.post("/agreement/new/", {**data, "period_starts": ""}).content.decode()
    assert "There is already an agreement for 2025/26" in again


def test_edit_carries_the_lock_and_publish_needs_a_priority(officer):
    agreement = AgreementFactory(year=2030, is_published=False)
    url = f"/agreement/{agreement.year}/edit/"
    data = opened(officer, url, {"year": 2030, "title": "Renamed agreement", "period_starts": "", "period_years": 1})
    assert officer.post(url, data).status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).title == "Renamed agreement"
    assert agreement.history.count() == 2
    with pytest.raises(ValidationError, match="add at least one priority"):
        structure_services.agreement_publish(agreement=agreement)
    Priority.objects.create(agreement=agreement, position=1, name="Road Safety")
    officer.post(f"/agreement/{agreement.year}/publish/")
    assert Agreement.objects.get(pk=agreement.pk).is_published


def test_a_published_agreement_keeps_its_year(officer):
    """Its pages, its plan's printed title and each grant year's priorities are found by the year: once published
    the year is fixed (an unpublished agreement's year can still be corrected, as above)."""
    world = agreement_world()
    agreement = world["agreement"]
    url = f"/agreement/{agreement.year}/edit/"
    data = opened(officer, url, {"year": 2099, "title": agreement.title, "period_starts": "", "period_years": 1})
    response = officer.post(url, data)
    assert response.status_code == 200
    assert "The year of a published agreement is fixed" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).year == agreement.year


def test_priorities_reorder_through_a_free_place_with_history_and_remove_only_when_unused(officer):
    agreement = AgreementFactory(year=2031, is_published=False)
    for name in ("Domestic Abuse", "Road Safety", "Serious Violence"):
        officer.post(f"/agreement/{agreement.year}/priorities/new/", {"name": name, "lead": "", "aim": ""})
    first, second, third = agreement.priorities.order_by("position")
    assert [p.position for p in (first, second, third)] == [1, 2, 3]
    officer.post(f"/agreement/priorities/{third.pk}/move/up/")
    assert list(agreement.priorities.values_list("name", flat=True)) == [
        "Domestic Abuse",
        "Serious Violence",
        "Road Safety",
    ]
    assert [h.position for h in third.history.all()] == [2, 3], "the move is in history, the free place is not"
    plan = ActionPlan.objects.create(agreement=agreement)
    draft = PlanVersion.objects.create(plan=plan)
    add_item(draft, first, "Uses the first priority")
    page = officer.get(f"/agreement/priorities/{first.pk}/remove/").content.decode()
    assert "It cannot be removed: it is used by 1 plan item" in page
    officer.post(f"/agreement/priorities/{first.pk}/remove/")
    assert Priority.objects.filter(pk=first.pk).exists()
    response = officer.post(f"/agreement/priorities/{third.pk}/remove/", follow=True)
    assert "Priority removed." in response.content.decode()
    assert list(agreement.priorities.values_list("name", "position")) == [
        ("Domestic Abuse", 1),
        ("Road Safety", 2),
    ]


def test_a_priority_of_a_published_plan_keeps_its_place_and_a_used_theme_is_not_removed():
    world = agreement_world()
    with pytest.raises(ValidationError, match="keep their order once the action plan has a published version"):
        structure_services.part_move(part=world["second"], direction="up")
    theme = Theme.objects.get(agreement=world["agreement"])
    item = world["draft_item"]
    item.themes.set([theme])
    with pytest.raises(ValidationError, match="removed only when nothing uses it: .* 1 plan item"):
        structure_services.part_remove(part=theme)
    with pytest.raises(ValidationError, match="1 indicator"):
        structure_services.part_remove(part=world["first"])


def test_removing_an_unused_priority_never_renumbers_a_published_plan():
    """Removing a priority moves those after it up one place; once the plan has a published version that would
    change its printed numbers (2.1 read as 1.1), so a priority with others after it is then kept."""
    from agreement import services

    agreement = AgreementFactory()
    unused = Priority.objects.create(agreement=agreement, position=1, name="Unused")
    used = Priority.objects.create(agreement=agreement, position=2, name="Road Safety")
    plan = ActionPlan.objects.create(agreement=agreement)
    version = PlanVersion.objects.create(plan=plan)
    item = add_item(version, used, "Share road safety campaigns")
    services.version_publish(version=version)
    with pytest.raises(ValidationError, match="keep their order once the action plan has a published version"):
        structure_services.part_remove(part=unused)
    item.refresh_from_db()
    assert item.number == "2.1" and Priority.objects.filter(pk=unused.pk).exists()
    last = structure_services.part_save(part=Priority(agreement=agreement, name="Unused last"))
    structure_services.part_remove(part=last)  # nothing after it: no printed number changes
    assert not Priority.objects.filter(pk=last.pk).exists()


def test_themes_are_added_edited_moved_and_removed(officer):
    agreement = AgreementFactory(year=2032)
    for name in ("Early intervention", "Supporting victims"):
        officer.post(f"/agreement/{agreement.year}/themes/new/", {"name": name})
    early, victims = agreement.themes.order_by("position")
    officer.post(f"/agreement/themes/{victims.pk}/move/up/")
    assert list(agreement.themes.values_list("name", flat=True)) == ["Supporting victims", "Early intervention"]
    url = f"/agreement/themes/{early.pk}/edit/"
    assert officer.post(url, opened(officer, url, {"name": "Early intervention and prevention"})).status_code == 302
    officer.post(f"/agreement/themes/{victims.pk}/remove/")
    assert list(agreement.themes.values_list("name", "position")) == [("Early intervention and prevention", 1)]


def test_next_years_agreement_is_a_copy_and_a_rename_shows_in_what_changed(officer):
    world = agreement_world()
    agreement = world["agreement"]
    Agreement.objects.filter(pk=agreement.pk).update(title=f"Kent Community Safety Agreement {agreement.year_label}")
    agreement.refresh_from_db()
    item = world["draft_item"]
    item.themes.set(agreement.themes.all())
    response = officer.post(f"/agreement/{agreement.year}/next-year/")
    copy = Agreement.objects.get(year=agreement.year + 1)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.title == f"Kent Community Safety Agreement {copy.year_label}" and not copy.is_published
    assert [p.previous_id for p in copy.priorities.all()] == [world["first"].pk, world["second"].pk]
    assert copy.changes_from_previous() == []
    renamed = copy.priorities.get(previous=world["second"])
    url = f"/agreement/priorities/{renamed.pk}/edit/"
    officer.post(url, opened(officer, url, {"name": "Road Danger Reduction", "lead": "", "aim": ""}))
    assert copy.changes_from_previous() == ["Priority renamed: 'Road Safety' became 'Road Danger Reduction'"]
    body = officer.get(copy.get_absolute_url()).content.decode()
    assert "became &#x27;Road Danger Reduction&#x27;" in body
    draft = copy.plan.versions.get()
    assert draft.status == "draft" and copy.plan.numbering == world["plan"].numbering
    copied = draft.items.get(objective=item.objective)
    assert copied.key != item.key, "next year's items start their progress afresh"
    assert copied.priority.agreement == copy and list(copied.themes.all()) == list(copy.themes.all())
    assert copied.history.count() == 1
    again = officer.post(f"/agreement/{agreement.year}/next-year/", follow=True).content.decode()
    assert f"There is already an agreement for {copy.year_label}" in again


def test_the_action_plan_is_created_with_its_numbering_layout_and_first_draft(officer):
    agreement = AgreementFactory(year=2033)
    Priority.objects.create(agreement=agreement, position=1, name="Domestic Abuse")
    assert "Create the action plan" in officer.get(agreement.get_absolute_url()).content.decode()
    response = officer.post(f"/agreement/{agreement.year}/plan/new/", {"numbering": "continuous", "layout": "summary"})
    plan = ActionPlan.objects.get(agreement=agreement)
    draft = plan.versions.get()
    assert response["Location"] == draft.get_absolute_url()
    assert (plan.numbering, plan.layout, draft.status) == ("continuous", "summary", "draft")
    refused = officer.post(f"/agreement/{agreement.year}/plan/new/", {"numbering": "continuous", "layout": "full"})
    assert "already has an action plan" in refused.content.decode()


def test_changing_the_numbering_renumbers_the_draft_and_is_refused_once_published(officer):
    world = agreement_world()
    plan = world["plan"]
    url = f"/agreement/plans/{plan.pk}/edit/"
    body = officer.post(url, opened(officer, url, {"numbering": "continuous", "layout": "full"})).content.decode()
    assert "fixed once a version of the plan is published" in body
    agreement = AgreementFactory(year=2034)
    first = Priority.objects.create(agreement=agreement, position=1, name="Domestic Abuse")
    second = Priority.objects.create(agreement=agreement, position=2, name="Road Safety")
    draft = structure_services.plan_create(agreement=agreement, numbering="per_priority", layout="full")
    a, b, c = (add_item(draft, p, name) for p, name in ((second, "B1"), (first, "A1"), (first, "A2")))
    url = f"/agreement/plans/{draft.plan.pk}/edit/"
    assert officer.post(url, opened(officer, url, {"numbering": "continuous", "layout": "full"})).status_code == 302
    numbers = {i.objective: i.number for i in PlanItem.objects.filter(version=draft).select_related("version__plan")}
    assert numbers == {"A1": "1", "A2": "2", "B1": "3"}
    assert PlanItem.objects.get(pk=a.pk).history.count() == 2, "the renumbering is in the item's history"


@pytest.mark.parametrize(
    "url",
    [
        "/agreement/new/",
        "/agreement/{year}/edit/",
        "/agreement/{year}/structure/",
        "/agreement/{year}/priorities/new/",
        "/agreement/{year}/next-year/",
        "/agreement/{year}/plan/new/",
    ],
)
def test_only_officers_keep_the_agreement(make_user, url):
    agreement = AgreementFactory(year=2035)
    url = url.format(year=agreement.year)
    for role in (roles.MEMBER, roles.CHAIR):
        client = Client()
        client.force_login(make_user(role))
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"year": 2040, "title": "x", "period_years": 1}).status_code in (403, 404)
    assert Client().get(url).status_code == 302
    assert not Agreement.objects.filter(year=2040).exists()
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    assert "Start next year" not in member.get(agreement.get_absolute_url()).content.decode()


def test_a_multi_year_agreement_refreshed_within_its_period_keeps_the_period_in_its_title(officer):
    agreement = AgreementFactory(year=2014, title="Kent Community Safety Agreement 2014-17", period_years=3)
    officer.post("/agreement/2014/next-year/")
    refreshed = Agreement.objects.get(year=2015)
    assert refreshed.title == "Kent Community Safety Agreement 2014-17"
    assert (refreshed.period_starts, refreshed.period_years) == (2014, 3)
    assert refreshed.period_label == agreement.period_label == "2014/15 to 2016/17"
    officer.post("/agreement/2015/next-year/")
    officer.post("/agreement/2016/next-year/")
    new_period = Agreement.objects.get(year=2017)
    assert (new_period.period_starts, new_period.period_years) == (2017, 3)
    assert new_period.title == "Kent Community Safety Agreement 2017-20"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["numbering", "priority order"])
def test_a_numbering_change_waits_for_a_publication_under_way_and_is_then_refused(change):
    """Publishing locks the draft's row; the numbering change must wait for that lock before it checks that nothing
    is published, or the version would be published with one numbering and printed with the other."""
    import threading
    import time

    from django.db import connection, transaction

    agreement = AgreementFactory(year=2036)
    priority = Priority.objects.create(agreement=agreement, position=1, name="Road Safety")
    draft = structure_services.plan_create(agreement=agreement, numbering="per_priority", layout="full")
    second = Priority.objects.create(agreement=agreement, position=2, name="Domestic Abuse")
    add_item(draft, priority, "R1")
    held, released = threading.Event(), threading.Event()

    def publisher():  # as version_publish: the draft's row locked, then published at commit
        try:
            with transaction.atomic():
                PlanVersion.objects.select_for_update().get(pk=draft.pk)
                PlanVersion.objects.filter(pk=draft.pk).update(status=PlanVersion.Status.PUBLISHED, number=1)
                held.set()
                released.wait(10)
        finally:
            connection.close()

    outcome = []

    def settings_change():
        try:
            if change == "numbering":
                plan = ActionPlan.objects.get(pk=draft.plan_id)
                plan.numbering = ActionPlan.Numbering.CONTINUOUS
                structure_services.plan_settings_save(plan=plan)
            else:
                structure_services.part_move(part=second, direction="up")
            outcome.append("saved")
        except ValidationError as error:
            outcome.append(error.messages[0])
        finally:
            connection.close()

    thread = threading.Thread(target=publisher)
    thread.start()
    held.wait(10)
    changer = threading.Thread(target=settings_change)
    changer.start()
    time.sleep(0.5)
    released.set()
    thread.join(10)
    changer.join(20)
    assert outcome and outcome[0] != "saved", outcome
    assert ActionPlan.objects.get(pk=draft.plan_id).numbering == ActionPlan.Numbering.PER_PRIORITY
    assert Priority.objects.get(pk=priority.pk).position == 1


def test_a_priority_led_by_a_since_retired_organisation_can_still_be_edited(officer):
    """The lead list offers active organisations and the one the priority already names, as the person form does."""
    from kcsp.tests.factories import OrganisationFactory

    world = agreement_world()
    lead = OrganisationFactory(name="Kent Probation Area", is_active=False)
    priority = world["first"]
    Priority.objects.filter(pk=priority.pk).update(lead_organisation=lead)
    url = f"/agreement/priorities/{priority.pk}/edit/"
    data = opened(officer, url, {"name": "Domestic Abuse and Stalking", "lead": "", "lead_organisation": lead.pk})
    assert officer.post(url, data).status_code == 302
    priority.refresh_from_db()
    assert (priority.name, priority.lead_organisation_id) == ("Domestic Abuse and Stalking", lead.pk)
    other = OrganisationFactory(name="Another retired body", is_active=False)
    refused = officer.post(url, opened(officer, url, {"name": "X", "lead": "", "lead_organisation": other.pk}))
    assert refused.status_code == 200, "a retired organisation is not offered as a new lead"
