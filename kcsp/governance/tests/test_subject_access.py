"""Subject-access packages (issue 20): every kind of record naming the person, no DHR case content, DPO only."""

import datetime
import io
import json
import zipfile

import pytest
from axes.models import AccessLog as SignInLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken, CalendarFeed
from conftest import user_make
from dhr.models import AccessLog, AgencyAction, PanelMember, Recommendation
from dhr.tests.factories import make_case
from grants.tests.factories import BidFactory, GrantYearFactory
from kcsp import roles
from kcsp.downloads import MARKING
from kcsp.governance.models import SubjectAccessPackage
from kcsp.governance.sar_forms import ONE_REQUIRED
from kcsp.governance.subject_access import DHR_NOT_SEARCHED, ORDER, subject_access_package_make
from kcsp.models import FileDownload
from kcsp.testing import otp_verify
from kcsp.tests.factories import PersonFactory
from meetings.models import (
    Action,
    Annotation,
    Attendance,
    Declaration,
    Meeting,
    Minute,
    OfficeTerm,
    Pack,
    PackRead,
    Paper,
)
from meetings.tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MembershipFactory,
    held_meeting,
    published_meeting,
)
from notifications.models import Preference, SentNotice

# Distinctive strings of DHR material: none may reach the package, whoever makes it.
DHR_SECRETS = (
    "Victimsecret",
    "Perpsecret",
    "Rationalesecret",
    "Chairsecret",
    "Whatsecret",
    "Dhrdeclarationsecret",
    "Dhrdownloadsecret",
    "Dhrnotesecret",
    "Dhractionsecret",
    "Dhritemsecret",  # the DHR agenda item's title, its paper's subject and its minute's title
    "Dhrpapersecret",
    "Dhrminutesecret",
)
PSEUDONYM = "Hawthorn/2022"
NAMED = {"case": "Blackthorn/2020", "why": "Named in the case's records"}  # an agency action's owner


def dhr_dpo(verified: bool = True):
    """A data protection officer who is DHR-cleared and, when `verified`, has entered a one-time code."""
    user = user_make(roles.DPO)
    user.groups.add(Group.objects.get(name=roles.DHR_CLEARED))
    user.is_verified = lambda: verified  # as django-otp's middleware sets it on request.user
    return user


@pytest.fixture
def world(db, settings, tmp_path):
    """Ms R Quenby, a member with one record of every kind, on a DHR case's panel."""
    settings.MEDIA_ROOT = tmp_path
    user = user_make(roles.MEMBER, email="rosalind.quenby@partner.example", full_name="Rosalind Quenby")
    person = PersonFactory(
        title="Ms", initials="R", forenames="Rosalind", surname="Quenby", email="r.quenby@home.example", user=user
    )
    committee = CommitteeFactory()
    membership = MembershipFactory(committee=committee, person=person)
    OfficeTerm.objects.create(
        committee=committee, person=person, office=OfficeTerm.Office.VICE_CHAIR, starts_on=datetime.date(2024, 6, 1)
    )
    published = published_meeting(committee=committee)
    public_item = AgendaItemFactory(meeting=published, section="B", position=1, title="Youth diversion")
    dhr_item = AgendaItemFactory(
        meeting=published, section="D", position=1, title="Dhritemsecret", restriction_reason="dhr"
    )
    paper = Paper.objects.create(
        item=public_item, format="written", subject="Youth diversion report", authors="Rosalind Quenby"
    )
    dhr_paper = Paper.objects.create(  # DHR material naming her: never searched for the package
        item=dhr_item, format="written", subject="Dhrpapersecret", authors="Rosalind Quenby"
    )
    held = held_meeting(committee=committee)
    held_item = AgendaItemFactory(meeting=held, section="B", position=1, title="Knife crime")
    minute = Minute.objects.create(
        meeting=held, item=held_item, number=7, title="Knife crime update", text="Rosalind Quenby presented it."
    )
    dhr_minute = Minute.objects.create(
        meeting=published, item=dhr_item, number=8, title="Dhrminutesecret", text="Ms Quenby told the panel."
    )
    Action.objects.create(
        minute=minute, text="Circulate the youth plan", owner=person, due_on=datetime.date(2030, 1, 1)
    )
    Action.objects.create(minute=dhr_minute, text="Dhractionsecret", owner=person, due_on=datetime.date(2030, 1, 1))
    Attendance.objects.create(
        meeting=held, person=person, organisation=membership.organisation, kind="present", name_as_recorded="Ms Q"
    )
    Declaration.objects.create(meeting=held, person=person, interest="Trustee of the Quenby Youth Trust")
    Declaration.objects.create(meeting=published, item=dhr_item, person=person, interest="Dhrdeclarationsecret")
    other = user_make(roles.OFFICER)
    BidFactory(
        grant_year=GrantYearFactory(),
        title="Safer parks",
        contact_name="Rosalind Quenby",
        contact_email="r.quenby@home.example",
        created_by=other,
    )
    SentNotice.objects.create(
        kind="pack",
        content_type=ContentType.objects.get_for_model(Meeting),
        object_id=held.pk,
        recipient=user.email,
        period="p1",
    )
    Preference.objects.create(user=user, kind="pack", enabled=False)
    FileDownload.objects.create(user=user, what="Restricted pack, Youth board", filename="pack.pdf")
    FileDownload.objects.create(user=user, what="Dhrdownloadsecret file", filename="dhrdownloadsecret.pdf", dhr=True)
    pack = Pack.objects.create(meeting=published, kind=Pack.Kind.RESTRICTED)
    PackRead.objects.create(user=user, pack=pack)
    Annotation.objects.create(
        user=user, paper=paper, quote="diversion works", note="Ask about funding", paper_fingerprint="x"
    )
    Annotation.objects.create(
        user=user, paper=dhr_paper, quote="Dhrnotesecret", note="Dhrnotesecret", paper_fingerprint="x"
    )
    device = TOTPDevice.objects.create(user=user, name="Phone app", confirmed=True)
    SignInLog.objects.create(
        username=user.email, ip_address="192.0.2.7", user_agent="Firefox", http_accept="*/*", path_info="/account/"
    )
    token, secret = ApiToken.issue(user=user, name="Council website")
    feed = CalendarFeed.objects.create(user=user, token="feed-token-never-shown")
    case = make_case(
        pseudonym="Hawthorn",
        year=2022,
        victim_summary="Victimsecret lived in the town",
        perpetrator_summary="Perpsecret",
        decision_rationale="Rationalesecret",
        chair="Dr Chairsecret",
    )
    PanelMember.objects.create(case=case, name="Rosalind Quenby", role_on_panel="Police representative")
    named = make_case(pseudonym="Blackthorn", year=2020, victim_summary="Victimsecret")
    recommendation = Recommendation.objects.create(case=named, number=1, level="local", text="Rationalesecret")
    AgencyAction.objects.create(
        recommendation=recommendation,
        organisation=person.organisation,
        owner="Ms R Quenby",
        action="Perpsecret",
        set_on=datetime.date(2023, 1, 1),
        due_on=datetime.date(2023, 2, 1),
    )
    make_case(pseudonym="Unrelated", year=2021, victim_summary="Nobody we know")
    AccessLog.objects.create(user=user, action="view", case=case, what="Whatsecret page", path="/reviews/1/")
    return {
        "user": user,
        "person": person,
        "token": secret,
        "digest": token.digest,
        "feed": feed.token,
        "totp_key": device.key,
    }


def unzip(package) -> dict[str, str]:
    with package.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_the_package_holds_every_kind_of_record_and_no_dhr_case_content(world):
    package = subject_access_package_make(dhr_dpo(), person=world["person"])
    files = unzip(package)
    assert set(files) == {"index.html", "data.json", "README.txt"}
    data = json.loads(files["data.json"])
    counts = {section["key"]: section["count"] for section in data["sections"]}
    assert [section["key"] for section in data["sections"]] == list(ORDER)
    empty = [key for key in ORDER if not counts[key]]
    assert not empty, f"sections with nothing found: {empty}"
    assert package.counts == {**counts, "dhr_cases": 2, "dhr_records_searched": True}
    assert data["dhr_cases_for_review"] == [NAMED, {"case": PSEUDONYM, "why": "Panel member"}]
    assert package.dhr_cases_for_review == data["dhr_cases_for_review"]
    index = files["index.html"]
    for expected in (
        "rosalind.quenby@partner.example",  # account
        "Member",  # role
        "Vice-Chair",  # office term
        "Trustee of the Quenby Youth Trust",  # declaration
        "Circulate the youth plan",  # action owned
        "7. Knife crime update",  # minute naming them (search index)
        "Youth diversion report",  # paper naming them
        "Safer parks",  # bid as contact
        "Restricted pack, Youth board",  # download
        "Ask about funding",  # their own note
        "Council website",  # API token
        "Phone app",  # authenticator app, by name
        "192.0.2.7",  # sign-in
        PSEUDONYM,  # DHR case for review, and their own access-log row
        MARKING,
    ):
        assert expected in index, expected
    assert "<script" not in index and "http" not in index.split("<body>")[0]  # self-contained: nothing fetched
    sections = {section["key"]: section for section in data["sections"]}
    assert sections["dhr_access_log"]["rows"][0]["Case"] == PSEUDONYM
    assert sections["downloads"]["rows"][-1]["What"] == "Domestic Homicide Review material"
    assert "T" in sections["account"]["rows"][0]["Account made"]  # ISO 8601
    whole = "\n".join(files.values())
    for secret in (
        *DHR_SECRETS,
        world["token"],
        world["digest"],
        world["feed"],
        world["totp_key"],
        world["user"].password,
        "Unrelated",
    ):
        assert secret.lower() not in whole.lower(), secret


def test_a_dpo_without_dhr_clearance_and_code_gets_no_dhr_records(world):
    package = subject_access_package_make(dhr_dpo(verified=False), person=world["person"])
    files = unzip(package)
    data = json.loads(files["data.json"])
    assert DHR_NOT_SEARCHED in files["index.html"] and DHR_NOT_SEARCHED in files["README.txt"]
    assert data["dhr_cases_for_review"] == [] and package.dhr_cases_for_review == []
    assert package.counts["dhr_access_log"] == 0 and package.counts["dhr_records_searched"] is False
    assert package.counts["downloads"] == 1 and package.counts["declarations"] == 1  # the DHR rows left out
    whole = "\n".join(files.values())
    for secret in (*DHR_SECRETS, "Hawthorn", "Blackthorn", "Domestic Homicide Review material"):
        assert secret.lower() not in whole.lower(), secret


def test_a_bid_they_wrote_names_its_contact_only_when_they_are_it_and_hostile_names_stay_text(world):
    """Another person's contact details are a third party's personal data: left out of the author's package. A
    name holding markup, a spreadsheet formula or a path is printed as text and never names a file of the ZIP."""
    from kcsp.governance.sar_records import THIRD_PARTY

    BidFactory(
        grant_year=GrantYearFactory(),
        title="Quenby-written bid",
        contact_name="Zebedee Thirdparty",
        contact_email="zebedee@third.example",
        created_by=world["user"],
    )
    BidFactory(  # a name holding theirs is someone else's
        grant_year=GrantYearFactory(),
        title="Not theirs",
        contact_name="Rosalind Quenbyson",
        contact_email="x@y.ex",
        created_by=user_make(roles.OFFICER),
    )
    files = unzip(subject_access_package_make(dhr_dpo(), person=world["person"]))
    sections = {section["key"]: section for section in json.loads(files["data.json"])["sections"]}
    rows = {row["Title"]: row for row in sections["bids"]["rows"]}
    assert rows["Quenby-written bid"]["As"] == "Author" and rows["Quenby-written bid"]["Contact name"] == THIRD_PARTY
    assert rows["Safer parks"]["Contact e-mail"] == "r.quenby@home.example"  # they are its contact
    whole = "\n".join(files.values())
    assert "Zebedee" not in whole and "zebedee@third.example" not in whole
    assert "Not theirs" not in whole and "Quenbyson" not in whole
    hostile = PersonFactory(
        title="Ms", initials="E", forenames='<script>alert(1)</script> =HYPERLINK("http://x.example")', surname="../x"
    )
    package = subject_access_package_make(dhr_dpo(), person=hostile)
    files = unzip(package)
    assert set(files) == {"index.html", "data.json", "README.txt"} and "../" not in package.file.name
    assert "<script>alert" not in files["index.html"] and "&lt;script&gt;alert(1)" in files["index.html"]
    person_rows = {section["key"]: section for section in json.loads(files["data.json"])["sections"]}["person"]
    assert person_rows["rows"][0]["Forenames"] == '<script>alert(1)</script> =HYPERLINK("http://x.example")'


def test_an_email_address_finds_the_account_and_person_and_one_matching_nobody_still_makes_a_package(world):
    package = subject_access_package_make(dhr_dpo(), email=" R.Quenby@Home.example ")
    assert package.subject_email == "r.quenby@home.example" and package.counts["account"] == 1
    assert package.counts["bids"] == 1
    assert package.dhr_cases_for_review == [NAMED, {"case": PSEUDONYM, "why": "Panel member"}]
    nobody = subject_access_package_make(dhr_dpo(), email="nobody@nowhere.example")
    counts = {key: value for key, value in nobody.counts.items() if key != "dhr_records_searched"}
    assert set(counts.values()) == {0}
    assert "Nothing was found" in unzip(nobody)["index.html"]


def test_only_the_data_protection_officer_makes_a_package_and_one_of_person_or_email_is_required(world):
    for role in roles.ALL_ROLES:
        if role != roles.DPO:
            with pytest.raises(PermissionDenied):
                subject_access_package_make(user_make(role), person=world["person"])
    with pytest.raises(ValidationError):
        subject_access_package_make(dhr_dpo(), email="  ")
    assert not SubjectAccessPackage.objects.exists()


def signed_in(user, verified: bool = False) -> Client:
    client = Client()
    client.force_login(user)
    if verified:
        otp_verify(client, user)
    return client


def test_making_and_downloading_are_recorded_and_dhr_searches_pass_the_gate(world):
    dpo = user_make(roles.DPO)
    dpo.groups.add(Group.objects.get(name=roles.DHR_CLEARED))
    client = signed_in(dpo, verified=True)
    assert "Subject access" in client.get(reverse("home")).content.decode()  # the navigation entry
    response = client.post(reverse("subject_access:make"), {"person": world["person"].pk, "email": ""})
    package = SubjectAccessPackage.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("subject_access:detail", args=[package.pk])
    assert package.made_by == dpo and package.subject_person == world["person"]
    made = AccessLog.objects.get(user=dpo, path=reverse("subject_access:make"))
    assert made.action == "export" and "Subject-access package" in made.what
    page = client.get(reverse("subject_access:detail", args=[package.pk])).content.decode()
    assert PSEUDONYM in page and "Committee memberships" in page
    listing = client.get(reverse("subject_access:list")).content.decode()
    assert "Ms R Quenby" in listing
    downloads_before = FileDownload.objects.filter(user=dpo).count()
    sent = client.get(reverse("subject_access:download", args=[package.pk]))
    assert sent.status_code == 200 and sent["Content-Type"] == "application/zip"
    assert sent["Cache-Control"] == "private, no-store" and sent.sent_by_file_send
    assert zipfile.ZipFile(io.BytesIO(sent.content)).namelist() == ["index.html", "data.json", "README.txt"]
    record = FileDownload.objects.filter(user=dpo).latest("pk")
    assert FileDownload.objects.filter(user=dpo).count() == downloads_before + 1
    assert record.subject == package and record.dhr  # made with DHR records: sent as DHR material
    assert AccessLog.objects.filter(user=dpo, action="download").count() == 1
    # The same DPO without a code this session: the package's DHR cases and its ZIP are not shown.
    uncleared = signed_in(dpo)
    page = uncleared.get(reverse("subject_access:detail", args=[package.pk])).content.decode()
    assert PSEUDONYM not in page
    log_row = page.split("Domestic Homicide Review access log (their own access)")[1].split("</tr>")[0]
    assert "Shown to a DHR-cleared officer with a code" in log_row  # how often they read DHR material is DHR too
    assert uncleared.get(reverse("subject_access:download", args=[package.pk])).status_code == 404


def test_every_other_role_is_refused_every_page_and_the_admin_role_alone_cannot(world):
    package = subject_access_package_make(dhr_dpo(verified=False), person=world["person"])
    urls = [
        reverse("subject_access:list"),
        reverse("subject_access:make"),
        reverse("subject_access:detail", args=[package.pk]),
        reverse("subject_access:download", args=[package.pk]),
    ]
    for role in [r for r in roles.ALL_ROLES if r != roles.DPO]:
        client = signed_in(user_make(role), verified=role in (roles.ADMIN, roles.DHR_CLEARED))
        for url in urls:
            assert client.get(url).status_code in (403, 404), (role, url)
        assert client.post(urls[1], {"email": "x@example.org"}).status_code in (403, 404), role
        assert "Subject access" not in client.get(reverse("home")).content.decode(), role
    assert Client().get(urls[0]).status_code == 302
    assert SubjectAccessPackage.objects.count() == 1
    assert not FileDownload.objects.filter(what__startswith="Subject-access").exists()


def test_the_form_names_the_rule_keeps_what_was_typed_and_changes_nothing(world):
    client = signed_in(user_make(roles.DPO))
    page = client.get(reverse("subject_access:make")).content.decode()
    assert "DHR records were not searched" in page and "Ms R Quenby" in page
    response = client.post(reverse("subject_access:make"), {"person": "", "email": ""})
    assert response.status_code == 200 and ONE_REQUIRED in response.content.decode()
    response = client.post(reverse("subject_access:make"), {"person": "", "email": "not an address"})
    assert "Enter an e-mail address in the correct format" in response.content.decode()
    assert "not an address" in response.content.decode()
    assert not SubjectAccessPackage.objects.exists()
    assert "No packages have been made yet." in client.get(reverse("subject_access:list")).content.decode()
    response = client.post(reverse("subject_access:make"), {"person": "", "email": "nobody@nowhere.example"})
    assert response.status_code == 302 and SubjectAccessPackage.objects.get().dhr_cases_for_review == []
    assert "Nothing was found" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_package_of_a_demo_person_has_their_records_and_no_dhr_case_content(settings, tmp_path):
    """`manage.py demo` (as kcsp/tests/test_demo.py loads it): the member login's person, Mr A Harper, and Ms S
    Brinson, whom the demo minutes name ("Ms Brinson outlined …")."""
    from django.core.management import call_command

    from dhr.demo import DATA as DHR_DEMO_DATA
    from kcsp.models import Person, User

    settings.DEBUG, settings.MEDIA_ROOT = True, tmp_path
    call_command("demo")
    member = User.objects.get(email="member@kcsp.example")
    dpo = User.objects.get(email="dpo@kcsp.example")
    dpo.is_verified = lambda: True  # its authenticator's code entered
    package = subject_access_package_make(dpo, person=member.person)
    files = unzip(package)
    data = json.loads(files["data.json"])
    assert data["package"]["dhr_records_searched"] is True
    for key in ("account", "roles", "person", "memberships", "attendance", "actions"):
        assert package.counts[key] >= 1, key
    brinson = subject_access_package_make(dpo, person=Person.objects.get(surname="Brinson"))
    assert brinson.counts["public_record"] >= 1 and "Ms Brinson" in unzip(brinson)["data.json"]
    assert "Mr A Harper" in files["index.html"] and "member@kcsp.example" in files["index.html"]
    whole = "\n".join(files.values()).lower()
    for case in json.loads(DHR_DEMO_DATA.read_text(encoding="utf-8"))["cases"]:
        for field in ("victim_summary", "perpetrator_summary", "decision_rationale"):
            if case.get(field):
                assert case[field].lower() not in whole, (case["pseudonym"], field)
