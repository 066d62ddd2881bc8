"""Our own checker of a 360Giving file (the JSON data package or the CSV) against the 360Giving Data Standard.

Written from what the standard says, not copied from its tools. Sources of the rules:
- the grant schema (360-giving-schema.json): a grant requires id, title, description, currency, amountAwarded,
  awardDate, fundingOrganization and a recipient, recipientOrganization (a list of at least one organisation) or,
  since 1.4, recipientIndividual (one object); an organisation requires id and name; amounts are JSON numbers;
  awardDate is YYYY-MM-DD or a full date-time; a planned date may also be YYYY or YYYY-MM; dateModified is a full
  date-time; dataSource is a URI;
- the package schema (360-giving-package-schema.json): {"grants": [...]} with at least one grant;
- the spreadsheet template's column titles ("Recipient Org:Identifier" is recipientOrganization's first id);
- the identifier guidance: a grant id begins with the publisher's registered 360Giving prefix ("360G-" and the
  publisher's code) and is unique; an organisation id is an org-id.guide identifier (country, list, the
  organisation's number in that list: GB-CHC-1089464, GB-COH-01234567, GB-LAE-KEN), or a "360G-" one the
  publisher made when the organisation has none;
- ISO 4217 (currency: three capital letters) and RFC 3339 section 5.6 (a date-time has a "T" and an offset).

`json_problems(data)` and `csv_problems(data)` return a list of Problem (empty when the file passes); they never
raise for a bad file. `csv_grants(data)` reads CSV rows into grants of the JSON's shape.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

# The spreadsheet template's titles for the fields checked here, and the JSON path each rolls up ("/0/": a list's
# first member). Columns not named here are read past: the standard has many more.
CSV_TITLES = {
    "Identifier": "id",
    "Title": "title",
    "Description": "description",
    "Currency": "currency",
    "Amount Applied For": "amountAppliedFor",
    "Amount Awarded": "amountAwarded",
    "Amount Disbursed": "amountDisbursed",
    "Award Date": "awardDate",
    "Planned Dates:Start Date": "plannedDates/0/startDate",
    "Planned Dates:End Date": "plannedDates/0/endDate",
    "Recipient Org:Identifier": "recipientOrganization/0/id",
    "Recipient Org:Name": "recipientOrganization/0/name",
    "Recipient Org:Charity Number": "recipientOrganization/0/charityNumber",
    "Recipient Org:Company Number": "recipientOrganization/0/companyNumber",
    "Recipient Ind:Identifier": "recipientIndividual/id",
    "Recipient Ind:Name": "recipientIndividual/name",
    "Funding Org:Identifier": "fundingOrganization/0/id",
    "Funding Org:Name": "fundingOrganization/0/name",
    "Grant Programme:Code": "grantProgramme/0/code",
    "Grant Programme:Title": "grantProgramme/0/title",
    "Last modified": "dateModified",
    "Data Source": "dataSource",
}
TITLE_OF = {path: title for title, path in CSV_TITLES.items()} | {
    "recipientOrganization": "Recipient Org:Identifier and Recipient Org:Name",
    "recipientIndividual": "Recipient Ind:Identifier and Recipient Ind:Name",
    "fundingOrganization": "Funding Org:Identifier and Funding Org:Name",
}
AMOUNTS = ("amountAppliedFor", "amountAwarded", "amountDisbursed")
REQUIRED_TEXT = ("id", "title", "description", "currency", "awardDate")

GRANT_ID = re.compile(r"^360G-[A-Za-z0-9]+-\S+$")  # "360G-" + the publisher's code + its own identifier
MADE_UP_ORG_ID = re.compile(r"^360G-\S+$")
ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,}-\S+$")  # org-id.guide: country (or XI/XM), list code, identifier
# The lists we give organisations from, with the shape of a number in each.
ORG_LISTS = {
    "GB-CHC": (re.compile(r"^\d{6,7}$", re.ASCII), "6 or 7 digits, e.g. GB-CHC-1089464"),
    "GB-COH": (re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6}|R0\d{6})$", re.ASCII), "8 characters, e.g. GB-COH-01234567"),
    "GB-LAE": (re.compile(r"^[A-Z]{3,4}$"), "3 or 4 capital letters, e.g. GB-LAE-KEN"),
    "GB-SC": (re.compile(r"^SC\d{6}$", re.ASCII), "SC and 6 digits, e.g. GB-SC-SC012345"),
}
CURRENCY = re.compile(r"^[A-Z]{3}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
PARTIAL_DATE = re.compile(r"^\d{4}(?:-\d{2})?$", re.ASCII)
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$", re.ASCII)
CSV_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$", re.ASCII)


@dataclass(frozen=True)
class Problem:
    """One broken rule: `where` ("grant 2", "row 3", "file"), `field` (a JSON path, or a CSV column title) and
    `rule` (what the standard asks, in words)."""

    where: str
    field: str
    rule: str

    def __str__(self):
        return f"{self.where}, {self.field}: {self.rule}" if self.field else f"{self.where}: {self.rule}"


def _is_date(text, *, partial=False) -> bool:
    if not isinstance(text, str):
        return False
    if partial and PARTIAL_DATE.match(text):
        return text[5:] == "" or 1 <= int(text[5:]) <= 12
    try:
        if DATE.match(text):
            datetime.date.fromisoformat(text)
            return True
        if DATE_TIME.match(text):
            datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return True
    except ValueError:
        return False
    return False


def _is_date_time(text) -> bool:
    return isinstance(text, str) and bool(DATE_TIME.match(text)) and _is_date(text)


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int | float) and value == value and abs(value) != float("inf")


def _filled_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def org_id_problem(org_id) -> str | None:
    """Why `org_id` is not an organisation identifier 360Giving accepts, or None."""
    if not _filled_text(org_id):
        return "is required: the organisation's identifier"
    if MADE_UP_ORG_ID.match(org_id):
        return None
    if not ORG_ID.match(org_id):
        return (
            f"{org_id!r} is not an org-id.guide identifier (country, list and number, e.g. GB-CHC-1089464) "
            "nor a 360G- one"
        )
    for list_code, (shape, example) in ORG_LISTS.items():
        if org_id.startswith(list_code + "-"):
            number = org_id[len(list_code) + 1 :]
            if not shape.match(number):
                return f"{org_id!r}: a {list_code} number is {example}"
    return None


def _organisation_problems(organisations, path: str) -> list[tuple[str, str]]:
    if not isinstance(organisations, list) or not organisations:
        return [(path, "is required: a list of at least one organisation, each with an id and a name")]
    found = []
    for index, organisation in enumerate(organisations):
        at = f"{path}/{index}"
        if not isinstance(organisation, dict):
            found.append((at, "must be an organisation (an object with id and name)"))
            continue
        if why := org_id_problem(organisation.get("id")):
            found.append((f"{at}/id", why))
        if not _filled_text(organisation.get("name")):
            found.append((f"{at}/name", "is required: the organisation's name"))
        for number in ("charityNumber", "companyNumber"):
            if number in organisation and not isinstance(organisation[number], str):
                found.append((f"{at}/{number}", "must be text (a number's leading zeros matter)"))
    return found


def _recipient_problems(grant: dict) -> list[tuple[str, str]]:
    has_org, has_individual = "recipientOrganization" in grant, "recipientIndividual" in grant
    if has_org and has_individual:
        return [("recipientIndividual", "a grant has one recipient: an organisation or an individual, not both")]
    if not has_individual:
        return _organisation_problems(grant.get("recipientOrganization"), "recipientOrganization")
    individual = grant["recipientIndividual"]
    if not isinstance(individual, dict):
        return [("recipientIndividual", "must be an object with id and name")]
    found = []
    if not (_filled_text(individual.get("id")) and MADE_UP_ORG_ID.match(individual["id"])):
        found.append(("recipientIndividual/id", "is required: an identifier the publisher made, beginning 360G-"))
    if not _filled_text(individual.get("name")):
        found.append(("recipientIndividual/name", "is required (a description such as 'Individual recipient')"))
    return found


def _date_problems(grant: dict) -> list[tuple[str, str]]:
    found = []
    if "awardDate" in grant and not _is_date(grant["awardDate"]):
        found.append(("awardDate", f"{grant['awardDate']!r} is not a date as YYYY-MM-DD or a full date-time"))
    planned = grant.get("plannedDates", [])
    for index, event in enumerate(planned if isinstance(planned, list) else [planned]):
        if not isinstance(event, dict):
            found.append((f"plannedDates/{index}", "must be an object with startDate and endDate"))
            continue
        for name in ("startDate", "endDate"):
            if name in event and not _is_date(event[name], partial=True):
                found.append((f"plannedDates/{index}/{name}", f"{event[name]!r} is not a date (YYYY-MM-DD)"))
        start, end = event.get("startDate"), event.get("endDate")
        if _is_date(start) and _is_date(end) and end[:10] < start[:10]:
            found.append((f"plannedDates/{index}/endDate", f"{end} is before the start date {start}"))
    if "dateModified" in grant and not _is_date_time(grant["dateModified"]):
        found.append(("dateModified", f"{grant['dateModified']!r} is not a full date-time with an offset"))
    return found


def grant_problems(grant) -> list[tuple[str, str]]:
    """(JSON path, rule) for each rule one grant (a dict of the JSON's shape) breaks."""
    if not isinstance(grant, dict):
        return [("", "a grant must be an object")]
    found = [(name, "is required") for name in REQUIRED_TEXT if not _filled_text(grant.get(name))]
    found += [
        (name, "must be text")
        for name in ("id", "title", "description")
        if name in grant and not isinstance(grant[name], str)
    ]
    if _filled_text(grant.get("id")) and not GRANT_ID.match(grant["id"]):
        found.append(("id", f"{grant['id']!r} must begin with the publisher's registered prefix, 360G-<code>-"))
    if _filled_text(grant.get("currency")) and not CURRENCY.match(grant["currency"]):
        found.append(("currency", f"{grant['currency']!r} is not an ISO 4217 code (three capital letters: GBP)"))
    if "amountAwarded" not in grant:
        found.append(("amountAwarded", "is required"))
    for name in AMOUNTS:
        if name in grant and not _is_number(grant[name]):
            found.append((name, f"{grant[name]!r} must be a number, without commas or currency signs"))
    found += _date_problems(grant)
    found += _recipient_problems(grant)
    found += _organisation_problems(grant.get("fundingOrganization"), "fundingOrganization")
    if "dataSource" in grant:
        parts = urlsplit(grant["dataSource"]) if isinstance(grant["dataSource"], str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
            found.append(("dataSource", f"{grant['dataSource']!r} is not a web address"))
    return found


def _file_problems(grants: list, where: str) -> list[Problem]:
    if not grants:
        return [Problem("file", "", "a 360Giving package holds at least one grant")]
    found, seen = [], {}
    for index, grant in enumerate(grants, start=1):
        found += [Problem(where(index), field, rule) for field, rule in grant_problems(grant)]
        grant_id = grant.get("id") if isinstance(grant, dict) else None
        if isinstance(grant_id, str) and grant_id:
            if grant_id in seen:
                found.append(Problem(where(index), "id", f"{grant_id!r} is also the id of {where(seen[grant_id])}"))
            seen.setdefault(grant_id, index)
    return found


def json_problems(data) -> list[Problem]:
    """Problems of a 360Giving JSON data package (bytes, text or the parsed object); [] when it passes."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as error:
            return [Problem("file", "", f"is not JSON: {error}")]
    if not isinstance(data, dict) or not isinstance(data.get("grants"), list):
        return [Problem("file", "grants", 'a package is an object {"grants": [...]}')]
    return _file_problems(data["grants"], lambda n: f"grant {n}")


def _set(grant: dict, path: str, value) -> None:
    steps = path.split("/")
    here = grant
    for step, following in zip(steps, steps[1:], strict=False):
        if following.isdigit():
            here = here.setdefault(step, [{}])[0]
        elif not step.isdigit():
            here = here.setdefault(step, {})
    here[steps[-1]] = value


def csv_grants(data) -> list[dict]:
    """The grants of a 360Giving CSV (bytes or text, UTF-8) in the JSON's shape, read by the column titles in
    CSV_TITLES: an empty cell is an absent field; an amount written as a plain number becomes a Decimal (any
    other text stays text, for the checker to refuse)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    grants = []
    for row in csv.DictReader(io.StringIO(text)):
        grant = {}
        for title, path in CSV_TITLES.items():
            value = (row.get(title) or "").strip()
            if not value:
                continue
            if path in AMOUNTS and CSV_NUMBER.match(value):
                value = Decimal(value)
            _set(grant, path, value)
        grants.append(grant)
    return grants


def _column(path: str) -> str:
    """The CSV title of a JSON path ("recipientOrganization/0/id" -> "Recipient Org:Identifier")."""
    return TITLE_OF.get(path) or TITLE_OF.get(path.rsplit("/", 1)[0] + "/0/" + path.rsplit("/", 1)[-1], path)


def csv_problems(data) -> list[Problem]:
    """Problems of a 360Giving CSV (bytes or text): each named by its row (the header is row 1) and column."""
    try:
        grants = csv_grants(data)
    except (UnicodeDecodeError, csv.Error, InvalidOperation) as error:
        return [Problem("file", "", f"is not a UTF-8 CSV file: {error}")]
    found = _file_problems(grants, lambda n: f"row {n + 1}")
    return [Problem(problem.where, _column(problem.field), problem.rule) for problem in found]
