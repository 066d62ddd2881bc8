"""axe-core finds no WCAG 2.2 A/AA violation on the main pages, signed out and signed in."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from kcsp.demo import DEMO_PASSWORD
from kcsp.testing import totp_now

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    """axe-core is injected as an inline script, which the site's Content-Security-Policy rightly blocks:
    only this test tool's context bypasses it (test_content_security.py browses with it enforced)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


# GOV.UK Frontend's conditional reveal sets aria-expanded on the radio that shows it, knowingly outside ARIA 1.2
# because screen readers announce it (alphagov/govuk-frontend#979, kept in #2823): axe's aria-allowed-attr flags
# exactly that attribute on exactly those radios. Only that node is forgiven; any other use still fails.
GOVUK_REVEAL = ".govuk-radios__input[aria-controls][aria-expanded]"


def known_govuk_exception(violation: dict, node: dict) -> bool:
    return violation["id"] == "aria-allowed-attr" and "aria-expanded" in str(node.get("any", [])) + str(
        node.get("all", [])
    )


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    reveals = set(page.eval_on_selector_all(GOVUK_REVEAL, "nodes => nodes.map(n => '#' + n.id)"))
    found = []
    for v in result["violations"]:
        nodes = [n for n in v["nodes"] if not (known_govuk_exception(v, n) and n["target"][0] in reveals)]
        if nodes:
            found.append(f"{v['id']}: {v['help']} ({len(nodes)} elements)")
    return found


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def test_public_pages_have_no_wcag_violations(page, live_server):
    for path in ("/", "/accessibility/", "/account/sign-in/", "/account/password/reset/", "/no-such-page/"):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert violations(page) == [], "sign-in page with errors"


def test_meeting_pages_have_no_wcag_violations(page, live_server, demo_load):
    from meetings.models import Meeting

    demo_load()
    march = Meeting.objects.get(starts_at__date="2022-03-24")  # the papers' own two meetings
    july = Meeting.objects.get(starts_at__date="2022-07-14")
    public = ["/meetings/", f"/meetings/{july.pk}/", f"/meetings/{march.pk}/minutes/"]
    for path in public:
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    sign_in(page, live_server.url, "officer@kcsp.example")
    item = july.items.get(section="B", position=1)
    paper = item.papers.get()
    for path in [
        *public,
        "/meetings/committees/",
        "/meetings/committees/kcsp/",
        f"/meetings/items/{item.pk}/",
        f"/meetings/papers/{paper.pk}/",
        f"/meetings/papers/{paper.pk}/sections/new/",  # the markup guide (tests/browser/test_section_markup.py
        f"/meetings/sections/{paper.sections.first().pk}/edit/",  # checks them with the live preview shown)
        f"/meetings/{july.pk}/attendance/",
        f"/meetings/items/{item.pk}/edit/",
        "/meetings/new/",
        f"/meetings/{july.pk}/reschedule/",
        f"/meetings/{july.pk}/postpone/",
        f"/meetings/{july.pk}/cancel/",
        f"/meetings/{july.pk}/replacement/new/",
        f"/meetings/{july.pk}/held-after-the-event/",
        "/meetings/committees/kcsp/sections/new/",
        f"/meetings/agenda-sections/{july.committee.agenda_sections.get(letter='C').pk}/edit/",
        "/meetings/committees/kcsp/standard-items/new/",
        f"/meetings/standard-items/{july.committee.standard_items.first().pk}/edit/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    forward_plan_pages(page, live_server, july)
    pack_pages_form(page, live_server, july)


def pack_pages_form(page, live_server, july):
    """The "Print or download pages" form, and the form refusing a page the pack does not have."""
    from django.core.files.base import ContentFile

    from meetings.models import Pack
    from meetings.packbuild.manifest import contents_record, holding
    from meetings.tests.factories import PDF_BYTES

    pack, _ = Pack.objects.get_or_create(meeting=july, kind=Pack.Kind.PUBLIC)
    pack.status, pack.page_count = Pack.Status.READY, 1
    pack.file.save("accessibility.pdf", ContentFile(PDF_BYTES))
    contents_record(pack, [holding(july.items.get(section="B", position=1))])
    pack.contents.update(first_page=1, last_page=1)
    for query in ("", "?pages=400"):
        page.goto(f"{live_server.url}/meetings/{july.pk}/packs/public/pages/{query}")
        assert page.get_by_role("heading", name="Print or download pages of the agenda pack").is_visible()
        assert violations(page) == [], query
    assert page.locator(".govuk-error-summary").is_visible()


def forward_plan_pages(page, live_server, july):
    """The forward plan as the officer works it (a draft meeting showing its suggestions) and as the public reads it."""
    import datetime

    from meetings.models import ForwardPlanEntry
    from meetings.services import meeting_create

    draft = meeting_create(
        committee=july.committee, starts_at=july.starts_at + datetime.timedelta(days=126), contact_name="Anna Taylor"
    )
    entry = ForwardPlanEntry.objects.get(title__startswith="Kent Community Safety Agreement")
    for path in (
        "/meetings/committees/kcsp/forward-plan/",
        "/meetings/committees/kcsp/forward-plan/new/",
        f"/meetings/forward-plan/entries/{entry.pk}/",
        f"/meetings/forward-plan/entries/{entry.pk}/edit/",
        f"/meetings/forward-plan/entries/{entry.pk}/move/",
        f"/meetings/{draft.pk}/",
        f"/meetings/{draft.pk}/forward-plan/{entry.pk}/add/",
        "/meetings/forward-plan/kcsp/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    assert page.get_by_text("Restricted: the press and public are likely to be excluded").count() == 1


def test_chair_agreement_pages_have_no_wcag_violations(page, live_server, demo_load):
    """The chair's agreement (issue 16): the officer's send and take-back pages, the meeting with the chair and with
    the chair's comments, the chair's page of the whole agenda and its return page."""
    import datetime

    from meetings import chair_agreement
    from meetings.models import Meeting
    from meetings.services import meeting_create

    demo_load()
    july = Meeting.objects.order_by("starts_at").last()
    draft = meeting_create(
        committee=july.committee, starts_at=july.starts_at + datetime.timedelta(days=126), contact_name="Anna Taylor"
    )
    sent = meeting_create(
        committee=july.committee, starts_at=july.starts_at + datetime.timedelta(days=133), contact_name="Anna Taylor"
    )
    chair_agreement.agenda_send_to_chair(meeting=sent, user=None, note="Standing items only.")
    returned = meeting_create(
        committee=july.committee, starts_at=july.starts_at + datetime.timedelta(days=140), contact_name="Anna Taylor"
    )
    chair_agreement.agenda_send_to_chair(meeting=returned, user=None)
    chair_agreement.agenda_return(meeting=returned, chair=None, comments="Add the plan update.")
    sign_in(page, live_server.url, "officer@kcsp.example")
    for path in (
        f"/meetings/{draft.pk}/send-to-chair/",
        f"/meetings/{sent.pk}/",
        f"/meetings/{sent.pk}/take-back/",
        f"/meetings/{returned.pk}/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "chair@kcsp.example")
    for path in (
        f"/meetings/{sent.pk}/agree/",
        f"/meetings/{sent.pk}/return-to-officer/",
        f"/meetings/{july.pk}/agree/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path


def test_action_plan_pages_have_no_wcag_violations(page, live_server, demo_load):
    from agreement.models import Indicator, PlanVersion

    demo_load()
    draft = PlanVersion.objects.get()
    item = draft.items.order_by("priority__position", "position").first()
    indicator = Indicator.objects.filter(frequency="quarterly").first()
    sign_in(page, live_server.url, "officer@kcsp.example")
    for path in (
        "/agreement/",
        "/agreement/2022/",
        f"/agreement/versions/{draft.pk}/",
        f"/agreement/versions/{draft.pk}/?rag=red&grant=on",
        f"/agreement/versions/{draft.pk}/?view=compact",
        f"/agreement/versions/{draft.pk}/?view=compact&rag=green&lead=not-offered",
        f"/agreement/items/{item.pk}/",
        f"/agreement/items/{item.pk}/edit/",
        f"/agreement/items/{item.pk}/updates/new/",
        f"/agreement/versions/{draft.pk}/exceptions/",
        "/agreement/new/",
        "/agreement/2022/edit/",
        "/agreement/2022/structure/",
        f"/agreement/priorities/{item.priority_id}/edit/",
        f"/agreement/plans/{draft.plan_id}/edit/",
        "/agreement/2022/next-year/",
        "/agreement/2022/indicators/",
        "/agreement/2022/indicators/values/",
        "/agreement/2022/indicators/import/",
        f"/agreement/indicators/{indicator.pk}/",
        f"/agreement/indicators/{indicator.pk}/edit/",
        f"/agreement/indicators/{indicator.pk}/retire/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.goto(f"{live_server.url}/agreement/2022/indicators/values/")
    page.locator("[data-testid^=indicator-grid] input").first.fill("not a number")
    page.get_by_role("button", name="Save values").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert violations(page) == [], "value grid with errors"


def test_signed_in_pages_have_no_wcag_violations(page, live_server, demo_load):
    demo_load()
    sign_in(page, live_server.url, "admin@kcsp.example")
    for path in ("/", "/account/", "/directory/", "/system/", "/system/data-map/", "/account/password/change/"):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.goto(f"{live_server.url}/directory/")
    page.get_by_role("link", name="Kent County Council").click()
    assert violations(page) == [], "organisation page"


def test_governance_pages_have_no_wcag_violations(page, live_server, demo_load):
    """The retention schedule as the admin sees it; disposal lists, holds and records as the DHR-cleared data
    protection officer sees them, with a record of each kind waiting (issue 20)."""
    from kcsp.governance.models import DisposalCandidate, DisposalList, LegalHold, RetentionRule
    from kcsp.models import User

    demo_load()
    rule = RetentionRule.objects.get(record_type="notification")
    sign_in(page, live_server.url, "admin@kcsp.example")
    for path in ("/system/governance/retention/", f"/system/governance/retention/{rule.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("E-mail address").fill("dpo@kcsp.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/code/**")
    page.get_by_label("Code from your authenticator app").fill(
        totp_now(TOTPDevice.objects.get(user__email="dpo@kcsp.example"))
    )
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    listed = DisposalList.objects.create(as_of=datetime.date(2030, 1, 1))
    candidate = DisposalCandidate.objects.create(
        disposal_list=listed,
        record_type="notification",
        object_id=1,
        label="Notice 1",
        due_on=listed.as_of,
        action="delete",
    )
    hold = LegalHold.objects.create(
        record_type="notification",
        object_id=2,
        label="Notice 2",
        reason="A claim",
        placed_by=User.objects.get(email="dpo@kcsp.example"),
    )
    paths = [
        "/system/governance/retention/",
        f"/system/governance/retention/{rule.pk}/edit/",
        "/system/governance/disposal/",
        "/system/governance/disposal/make/",
        f"/system/governance/disposal/{listed.pk}/",
        "/system/governance/disposal/records/",
        "/system/governance/holds/",
        "/system/governance/holds/new/",
        f"/system/governance/holds/{hold.pk}/lift/",
        f"/system/governance/disposal/candidates/{candidate.pk}/keep/",
        f"/system/governance/disposal/{listed.pk}/approve/?candidate={candidate.pk}",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.goto(f"{live_server.url}/system/governance/holds/new/")
    page.get_by_role("button", name="Place legal hold").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert violations(page) == [], "legal hold form with errors"


def test_directory_pages_officers_keep_have_no_wcag_violations(page, live_server, demo_load):
    from kcsp.models import Organisation, Person
    from meetings.models import OfficeTerm

    demo_load()
    council = Organisation.objects.get(name="Kent County Council")
    person = Person.objects.filter(office_terms__isnull=False).first()
    term = OfficeTerm.objects.first()
    sign_in(page, live_server.url, "officer@kcsp.example")
    for path in (
        "/directory/",
        "/directory/new/",
        f"/directory/{council.pk}/",
        f"/directory/{council.pk}/edit/",
        f"/directory/{council.pk}/retire/",
        "/directory/people/?q=taylor",
        "/directory/people/new/",
        f"/directory/people/{person.pk}/",
        f"/directory/people/{person.pk}/edit/",
        f"/meetings/offices/{term.pk}/",
        f"/meetings/offices/{term.pk}/edit/",
        f"/meetings/offices/{term.pk}/end/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.goto(f"{live_server.url}/directory/people/new/")
    page.get_by_label("Initials (optional)").fill("A1")
    page.get_by_role("button", name="Save person").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert violations(page) == [], "add a person, with errors"


def test_grant_pages_have_no_wcag_violations(page, live_server, demo_load):
    from grants.models import Bid

    demo_load()
    bid = Bid.objects.get(title="Best Bar None")
    delivered = Bid.objects.get(title="Dummy CCTV Cameras")
    for path in ("/grants/", "/grants/2021/", "/grants/2022/"):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    sign_in(page, live_server.url, "officer@kcsp.example")
    for path in (
        "/grants/2022/",
        "/grants/2022/bids/",
        "/grants/2022/bids/new/",
        f"/grants/bids/{bid.pk}/",
        f"/grants/bids/{bid.pk}/withdraw/",
        "/grants/2022/tactical-pot/lock/",
        "/grants/new/",
        "/grants/2022/edit/",
        f"/grants/bids/{delivered.pk}/decided-at/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.context.clear_cookies()
    sign_in(page, live_server.url, "chair@kcsp.example")
    page.goto(f"{live_server.url}/grants/queue/")
    assert violations(page) == [], "/grants/queue/"


def test_search_notification_and_token_pages_have_no_wcag_violations(page, live_server, demo_load):
    demo_load()
    page.goto(f"{live_server.url}/")
    page.get_by_label("Search the partnership's papers").fill("action plan")
    page.get_by_label("Search the partnership's papers").press("Enter")
    page.wait_for_url("**/search/?q=action+plan")
    assert page.locator("#result-count").is_visible()
    assert violations(page) == [], "search results, signed out"
    impossible_range = (
        "date_from_day=1&date_from_month=1&date_from_year=2023&date_to_day=1&date_to_month=1&date_to_year=2022"
    )
    for path in ("/search/", "/search/?q=zzzznothing", f"/search/?q=plan&{impossible_range}"):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    sign_in(page, live_server.url, "member@kcsp.example")
    for path in (
        "/search/?q=update",
        "/account/",
        "/account/notifications/",
        "/account/tokens/api-tokens/new/",
        "/account/tokens/calendar/new/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path


def test_two_factor_setup_pages_have_no_wcag_violations(page, live_server, demo_load):
    logins = {login.email: login for login in demo_load()}
    note = next(line for line in logins["admin@kcsp.example"].notes if "enrolment code" in line)
    code = note.split("enrolment code ")[1].split()[0]
    sign_in(page, live_server.url, "admin@kcsp.example")
    page.goto(f"{live_server.url}/account/two-factor/")
    assert violations(page) == [], "enrolment code step"
    page.get_by_label("Enrolment code").fill(code)
    page.get_by_role("button", name="Continue").click()
    qr = page.get_by_role("img", name="QR code of your setup key")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150
    assert violations(page) == [], "setup key and QR code step"
    app = TOTPDevice.objects.get(user__email="admin@kcsp.example", confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(totp_now(app))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Your backup codes").wait_for()
    assert violations(page) == [], "backup codes, shown once"
    page.goto(f"{live_server.url}/account/two-factor/backup-codes/")
    assert violations(page) == [], "make new backup codes"


def test_home_pages_by_role_have_no_wcag_violations(page, live_server, demo_load):
    """Each role's home page and every waiting list behind its counts (issue 16), a filtered list included."""
    from kcsp.home_lists import LISTS

    demo_load()
    for email, role in (
        ("officer@kcsp.example", "officer"),
        ("chair@kcsp.example", "chair"),
        ("member@kcsp.example", "member"),
    ):
        page.context.clear_cookies()
        sign_in(page, live_server.url, email)
        assert violations(page) == [], f"home page of the {role}"
        for waiting in (w for w in LISTS if w.role == role):
            page.goto(f"{live_server.url}/home/{waiting.key}/")
            assert violations(page) == [], waiting.key
        page.goto(f"{live_server.url}/home/{[w for w in LISTS if w.role == role][0].key}/?committee=nonsense")
        assert violations(page) == [], f"a {role} list with a filter error"
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("E-mail address").fill("dhr@kcsp.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/code/**")
    page.get_by_label("Code from your authenticator app").fill(
        totp_now(TOTPDevice.objects.get(user__email="dhr@kcsp.example"))
    )
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    assert violations(page) == [], "home page of the DHR-cleared"
    for waiting in (w for w in LISTS if w.dhr):
        page.goto(f"{live_server.url}/home/{waiting.key}/")
        assert violations(page) == [], waiting.key


def test_pack_reader_has_no_wcag_violations(page, live_server, make_user, settings, tmp_path):
    """The reader with a pack open, its first page painted (PDF.js's text layer included), public and restricted."""
    from meetings.tests.reader_world import reader_world

    from .test_reader_journey import first_page_painted, signed_in

    settings.MEDIA_ROOT = tmp_path
    world = reader_world(make_user)
    signed_in(page, live_server, world["member"])
    for kind in ("public", "restricted"):
        page.goto(f"{live_server.url}/meetings/{world['meeting'].pk}/packs/{kind}/read/")
        first_page_painted(page)
        assert violations(page) == [], kind


def test_subject_access_pages_have_no_wcag_violations(page, live_server, demo_load):
    """The data protection officer's subject-access pages: the empty list, the form, its errors, a package."""
    from kcsp.governance.models import SubjectAccessPackage

    demo_load()
    sign_in_with_code(page, live_server.url, "dpo@kcsp.example")
    for path in ("/system/subject-access/", "/system/subject-access/new/"):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.get_by_role("button", name="Make the package").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert violations(page) == [], "subject-access form with errors"
    page.get_by_label("E-mail address (optional if you chose a person)").fill("member@kcsp.example")
    page.get_by_role("button", name="Make the package").click()
    package = SubjectAccessPackage.objects.get()
    page.wait_for_url(f"{live_server.url}/system/subject-access/{package.pk}/")
    assert violations(page) == [], "a subject-access package"
    page.goto(f"{live_server.url}/system/subject-access/")
    assert violations(page) == [], "the list of packages"


def sign_in_with_code(page, base_url, email):
    """Sign in as a demo login with an authenticator app, typing the code it shows now."""
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/code/**")
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    page.get_by_label("Code from your authenticator app").fill(totp_now(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base_url}/")
