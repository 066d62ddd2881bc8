"""The 360Giving files (CSV and JSON) of a realistic round pass our own checker of the standard's rules, agree row
for row, and are public like the CSV always was; the checker itself refuses each kind of broken file."""

import copy
import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grants.exports import GIVING_COLUMNS, GIVING_FIELDS
from grants.giving_checks import CSV_TITLES, csv_grants, csv_problems, json_problems
from grants.models import Bid, BidStep
from kcsp import roles
from kcsp.exports import unguard
from kcsp.models import FileDownload
from kcsp.tests.factories import OrganisationFactory

from .factories import BidFactory, GrantYearFactory

pytestmark = pytest.mark.django_db
S = Bid.Status
# 23:30 UTC on 14 June 2023 is 00:30 on 15 June in Kent (British Summer Time): the award date is the 15th.
DECIDED = datetime.datetime(2023, 6, 14, 23, 30, tzinfo=datetime.UTC)


@pytest.fixture
def round_2023(make_user, settings):
    """The 2023/24 round: a charity, a company, a council (completed at its actual spend) and an organisation with
    no register number, all approved by the Commissioner; a bid rejected and one awaiting the Commissioner."""
    settings.GRANTS_360_PREFIX = "360G-kcsp"
    settings.SITE_URL = "https://kcsp.example.org"
    officer = make_user(roles.OFFICER)
    year = GrantYearFactory(year=2023, amount_granted=Decimal("40000.00"), tactical_pot=Decimal("10000.00"))
    charity = OrganisationFactory(name="Rising Sun Domestic Violence Service", charity_number="1089464")
    company = OrganisationFactory(name="Safer Nights CIC", company_number="sc123456")
    council = OrganisationFactory(name="Kent County Council", local_authority_code="KEN")
    group = OrganisationFactory(name="Margate Neighbourhood Watch")

    def bid(organisation, status, title, amount, **extra):
        made = BidFactory(
            grant_year=year,
            status=status,
            applicant_organisation=organisation,
            title=title,
            amount_requested=Decimal(amount),
            created_by=officer,
            **extra,
        )
        if status in (S.COMMISSIONER_APPROVED, S.IN_DELIVERY, S.COMPLETED):
            BidStep.objects.create(
                bid=made, from_status=S.APPROVED, to_status=S.COMMISSIONER_APPROVED, by=officer, at=DECIDED
            )
        return made

    return {
        "charity": bid(charity, S.COMMISSIONER_APPROVED, "Refuge outreach", "5980.00"),
        "company": bid(company, S.IN_DELIVERY, "=Best Bar None", "1837.50", description="Line one\x0bLine two"),
        "council": bid(council, S.COMPLETED, "Bystander training", "13000.00", actual_spend=Decimal("12480.25")),
        "group": bid(group, S.COMMISSIONER_APPROVED, "Street watch signs", "622.50"),
        "rejected": bid(charity, S.COMMISSIONER_DECLINED, "Rejected idea", "900.00"),
        "waiting": bid(council, S.APPROVED, "Waiting for the Commissioner", "700.00"),
    }


def files():
    client = Client()
    return client.get(reverse("grants:giving_export")), client.get(reverse("grants:giving_json"))


def test_both_files_of_a_realistic_round_pass_the_checker(round_2023):
    csv_response, json_response = files()
    assert csv_problems(csv_response.content) == []
    assert json_problems(json_response.content) == []
    assert json_response["Content-Type"] == "application/json"
    grants = {grant["title"]: grant for grant in json.loads(json_response.content)["grants"]}
    assert sorted(grants) == ["=Best Bar None", "Bystander training", "Refuge outreach", "Street watch signs"]
    council = grants["Bystander training"]
    assert council["amountAwarded"] == 12480.25 and council["amountAppliedFor"] == 13000, "completed: actual spend"
    assert all(type(grant["amountAwarded"]) in (int, float) for grant in grants.values()), "numbers, not strings"
    assert council["recipientOrganization"] == [{"id": "GB-LAE-KEN", "name": "Kent County Council"}]
    assert council["awardDate"] == "2023-06-15", "the local date of the Commissioner's approval"
    assert council["plannedDates"] == [{"startDate": "2023-04-01", "endDate": "2024-03-31"}]
    assert council["id"] == f"360G-kcsp-2023-{round_2023['council'].number:02d}"
    assert council["dataSource"] == "https://kcsp.example.org/grants/2023/"
    assert grants["Refuge outreach"]["recipientOrganization"][0] == {
        "id": "GB-CHC-1089464",
        "name": "Rising Sun Domestic Violence Service",
        "charityNumber": "1089464",
    }
    assert grants["=Best Bar None"]["recipientOrganization"][0]["id"] == "GB-COH-SC123456"
    assert grants["=Best Bar None"]["description"] == "Line one\nLine two", "control characters made safe"
    group = grants["Street watch signs"]["recipientOrganization"][0]
    assert group["id"] == f"360G-kcsp-org-{round_2023['group'].applicant_organisation.pk}"
    assert grants["Refuge outreach"]["fundingOrganization"] == [
        {"id": "360G-kcsp", "name": "Kent Community Safety Partnership"}
    ]
    assert datetime.datetime.fromisoformat(council["dateModified"]).tzinfo is not None


def _comparable(value):
    """A JSON value with its numbers as Decimal, so 12480.25 and the CSV's "12480.25" compare equal."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def test_csv_and_json_agree_row_for_row(round_2023):
    csv_response, json_response = files()
    from_csv = [_comparable(grant) for grant in csv_grants(csv_response.content)]
    for grant in from_csv:  # the CSV guards text a spreadsheet would read as a formula; the JSON has none to guard
        grant["title"], grant["description"] = unguard(grant["title"]), unguard(grant["description"])
    from_json = [_comparable(grant) for grant in json.loads(json_response.content)["grants"]]
    assert len(from_csv) == len(from_json) == 4
    assert from_csv == from_json
    assert "'=Best Bar None" in csv_response.content.decode(), "the CSV still guards the formula-like title"


def test_every_column_we_write_is_the_standards_title_for_its_field():
    """Our exporter's table and the checker's table were written separately from the standard: they agree."""
    assert [title for _, title in GIVING_FIELDS] == GIVING_COLUMNS
    assert {title: CSV_TITLES.get(title) for _, title in GIVING_FIELDS} == {
        title: path for path, title in GIVING_FIELDS
    }


def test_the_files_are_public_like_the_csv_and_linked_beside_it(round_2023, make_user):
    signed_in = Client()
    signed_in.force_login(make_user(roles.MEMBER))
    for client in (Client(), signed_in):
        for name, filename in (
            ("grants:giving_export", "kcsp-360giving.csv"),
            ("grants:giving_json", "kcsp-360giving.json"),
        ):
            response = client.get(reverse(name))
            assert response.status_code == 200 and response.sent_by_file_send
            assert f'filename="{filename}"' in response["Content-Disposition"]
            assert "no-store" not in response.get("Cache-Control", ""), "public: normal caching"
    assert not FileDownload.objects.exists(), "a public file writes no download record"
    page = Client().get(reverse("grants:year_list")).content.decode()
    assert reverse("grants:giving_export") in page and reverse("grants:giving_json") in page
    assert "360Giving format (JSON)" in page


def test_no_funded_grant_gives_an_empty_package_the_checker_names(db):
    _, json_response = files()
    assert json.loads(json_response.content) == {"grants": []}
    assert [str(problem) for problem in json_problems(json_response.content)] == [
        "file: a 360Giving package holds at least one grant"
    ]


GOOD = {
    "id": "360G-kcsp-2023-01",
    "title": "Refuge outreach",
    "description": "Outreach to women in refuges",
    "currency": "GBP",
    "amountAwarded": 5980,
    "awardDate": "2023-06-15",
    "plannedDates": [{"startDate": "2023-04-01", "endDate": "2024-03-31"}],
    "recipientOrganization": [{"id": "GB-CHC-1089464", "name": "Rising Sun", "charityNumber": "1089464"}],
    "fundingOrganization": [{"id": "360G-kcsp", "name": "Kent Community Safety Partnership"}],
    "dateModified": "2023-06-15T00:30:00+01:00",
    "dataSource": "https://kcsp.example.org/grants/2023/",
}


def broken(path: str, value=...) -> dict:
    """GOOD with the value at `path` ("recipientOrganization/0/id") replaced, or removed when no value is given."""
    grant = copy.deepcopy(GOOD)
    *parents, last = path.split("/")
    here = grant
    for step in parents:
        here = here[int(step)] if step.isdigit() else here[step]
    if value is ...:
        del here[last]
    else:
        here[last] = value
    return grant


def test_the_good_example_passes_and_so_does_an_individual_recipient():
    assert json_problems({"grants": [GOOD]}) == []
    individual = broken("recipientOrganization")
    individual["recipientIndividual"] = {"id": "360G-kcsp-ind-7", "name": "Individual recipient"}
    assert json_problems({"grants": [individual]}) == []


@pytest.mark.parametrize(
    ("grant", "field", "words"),
    [
        (broken("title"), "title", "is required"),
        (broken("awardDate"), "awardDate", "is required"),
        (broken("amountAwarded"), "amountAwarded", "is required"),
        (broken("recipientOrganization"), "recipientOrganization", "at least one organisation"),
        (broken("fundingOrganization/0/name"), "fundingOrganization/0/name", "is required"),
        (broken("awardDate", "15/06/2023"), "awardDate", "YYYY-MM-DD"),
        (broken("awardDate", "2023-02-30"), "awardDate", "YYYY-MM-DD"),
        (broken("plannedDates/0/endDate", "2023-03-31"), "plannedDates/0/endDate", "before the start date"),
        (broken("dateModified", "2023-06-15 00:30"), "dateModified", "full date-time"),
        (broken("currency", "gbp"), "currency", "ISO 4217"),
        (broken("currency", "£"), "currency", "ISO 4217"),
        (broken("amountAwarded", "5980.00"), "amountAwarded", "must be a number"),
        (broken("amountAwarded", True), "amountAwarded", "must be a number"),
        (broken("recipientOrganization/0/id", "CHC-1089464"), "recipientOrganization/0/id", "org-id.guide"),
        (broken("recipientOrganization/0/id", "GB-CHC-10894"), "recipientOrganization/0/id", "6 or 7 digits"),
        (broken("recipientOrganization/0/id", "GB-COH-123456"), "recipientOrganization/0/id", "8 characters"),
        (broken("recipientOrganization/0/id", "GB-LAE-Kent"), "recipientOrganization/0/id", "capital letters"),
        (broken("recipientOrganization/0/charityNumber", 1089464), "recipientOrganization/0/charityNumber", "text"),
        (broken("id", "kcsp-2023-01"), "id", "registered prefix"),
        (broken("id", "360G-kcsp"), "id", "registered prefix"),
        (broken("dataSource", "grants/2023"), "dataSource", "web address"),
    ],
)
def test_the_checker_refuses_a_broken_grant_naming_the_field(grant, field, words):
    problems = json_problems({"grants": [grant]})
    assert [p.field for p in problems] == [field], problems
    assert problems[0].where == "grant 1" and words in problems[0].rule


def test_the_checker_refuses_repeated_ids_both_recipients_and_what_is_not_a_package():
    twice = json_problems({"grants": [GOOD, dict(GOOD, title="Again")]})
    assert [str(p) for p in twice] == ["grant 2, id: '360G-kcsp-2023-01' is also the id of grant 1"]
    both = dict(GOOD, recipientIndividual={"id": "360G-kcsp-ind-7", "name": "Individual recipient"})
    assert "not both" in json_problems({"grants": [both]})[0].rule
    assert "is not JSON" in json_problems(b"{grants: ")[0].rule
    assert json_problems([GOOD])[0].rule == 'a package is an object {"grants": [...]}'


def test_the_checker_reads_a_csv_by_its_titles_and_names_row_and_column():
    header = "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
    header += "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
    good = "360G-kcsp-2023-01,Refuge,Outreach,GBP,5980.00,2023-06-15,GB-CHC-1089464,Rising Sun,360G-kcsp,KCSP\n"
    assert csv_problems(header + good) == []
    assert csv_grants(header + good)[0]["amountAwarded"] == Decimal("5980.00")
    money = good.replace("5980.00", '"£5,980"')
    assert [str(p) for p in csv_problems(header + money)] == [
        "row 2, Amount Awarded: '£5,980' must be a number, without commas or currency signs"
    ]
    late = good.replace("360G-kcsp-2023-01", "360G-kcsp-2023-02").replace("2023-06-15", "15 June 2023")
    assert [(p.where, p.field) for p in csv_problems(header + good + late)] == [("row 3", "Award Date")]
    no_org = header.replace("Recipient Org:Identifier", "Recipient Organisation ID")
    assert [p.field for p in csv_problems(no_org + good)] == ["Recipient Org:Identifier"]
    assert [str(p) for p in csv_problems(header)] == ["file: a 360Giving package holds at least one grant"]
