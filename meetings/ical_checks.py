"""Our own check of an iCalendar file against RFC 5545, written from the RFC's text (no one else's validator).

`ical_problems(data)` reads the bytes as sent and returns a list of problems, each naming the rule it breaks
(an empty list: conformant). It checks the RFC's rules our feeds rely on, and, with `profile=True` (the default),
what this project promises every meeting event besides (`PROFILE_EVENT`: the feeds' own rule, not the RFC's).
"""

import datetime
import re

from icalendar import Calendar

MAX_OCTETS = 75  # 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break
# 3.6.1: properties of a VEVENT that MUST NOT occur more than once
EVENT_ONCE = [
    "CLASS",
    "CREATED",
    "DESCRIPTION",
    "DTSTART",
    "GEO",
    "LAST-MODIFIED",
    "LOCATION",
    "ORGANIZER",
    "PRIORITY",
    "DTSTAMP",
    "SEQUENCE",
    "STATUS",
    "SUMMARY",
    "TRANSP",
    "UID",
    "URL",
    "RECURRENCE-ID",
    "DTEND",
    "DURATION",
]
EVENT_STATUSES = ("TENTATIVE", "CONFIRMED", "CANCELLED")  # 3.8.1.11, for a VEVENT
UTC_ONLY = {"DTSTAMP": "3.8.7.2", "LAST-MODIFIED": "3.8.7.3", "CREATED": "3.8.7.1"}  # MUST be in UTC
# This project's feeds: every event also carries these (for calendars to show and update it properly).
PROFILE_EVENT = ("DTEND", "SEQUENCE", "STATUS", "LAST-MODIFIED", "SUMMARY", "LOCATION", "URL")
DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+|\[[0-9a-f:.]+\]", re.IGNORECASE)


def line_problems(data: bytes) -> list[str]:
    """3.1: every line ends CRLF (no bare LF or CR), is at most 75 octets, and a fold never splits a UTF-8
    character (3.1.4: the text is UTF-8); the file ends with CRLF."""
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("the last line does not end with CRLF (RFC 5545 3.1)")
    if re.search(rb"(?<!\r)\n", data):
        problems.append("a line ends with a bare LF: every line must end with CRLF (RFC 5545 3.1)")
    if re.search(rb"\r(?!\n)", data):
        problems.append("a bare CR inside a line: line breaks are CRLF (RFC 5545 3.1)")
    for number, line in enumerate(data.split(b"\r\n"), start=1):
        if len(line) > MAX_OCTETS:
            problems.append(f"line {number} is {len(line)} octets: fold lines at {MAX_OCTETS} (RFC 5545 3.1)")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} is not UTF-8 on its own: a fold splits a character (RFC 5545 3.1)")
    return problems


def counts(component) -> dict[str, int]:
    """How many times each property occurs directly in `component` (not in its subcomponents)."""
    found = {}
    for name, _value in component.property_items(recursive=False):
        if name not in ("BEGIN", "END"):
            found[name] = found.get(name, 0) + 1
    return found


def values(component, name: str) -> list:
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def form(prop) -> str:
    """A DATE-TIME property's form (3.3.5): "utc" (…Z), "tzid" (TZID= local time), "floating" or "date"."""
    value = getattr(prop, "dt", None)
    if not isinstance(value, datetime.datetime):
        return "date" if isinstance(value, datetime.date) else "broken"
    if "TZID" in prop.params:
        return "tzid"
    return "utc" if prop.to_ical().endswith(b"Z") else "floating"


def calendar_problems(calendar: Calendar) -> list[str]:
    """3.4, 3.6, 3.7: one VCALENDAR with PRODID and VERSION:2.0 once each, at least one component."""
    problems = []
    if calendar.name != "VCALENDAR":
        return [f"the object is a {calendar.name}, not a VCALENDAR (RFC 5545 3.4)"]
    found = counts(calendar)
    for name, section in (("PRODID", "3.7.3"), ("VERSION", "3.7.4")):
        if found.get(name, 0) != 1:
            problems.append(f"VCALENDAR must have {name} exactly once, has {found.get(name, 0)} (RFC 5545 {section})")
    for name, section in (("CALSCALE", "3.7.1"), ("METHOD", "3.7.2")):
        if found.get(name, 0) > 1:
            problems.append(f"VCALENDAR has {name} more than once (RFC 5545 {section})")
    if found.get("VERSION") == 1 and str(calendar["VERSION"]) != "2.0":
        problems.append(f"VERSION is {calendar['VERSION']}, not 2.0 (RFC 5545 3.7.4)")
    if found.get("CALSCALE") == 1 and str(calendar["CALSCALE"]).upper() != "GREGORIAN":
        problems.append(f"CALSCALE is {calendar['CALSCALE']}: only GREGORIAN is defined (RFC 5545 3.7.1)")
    if not calendar.subcomponents:
        problems.append("VCALENDAR holds no component: at least one is required (RFC 5545 3.6)")
    problems += [f"VCALENDAR: {name} cannot be read: {why} (RFC 5545 3.7)" for name, why in calendar.errors]
    return problems


def timezone_problems(calendar: Calendar) -> tuple[set[str], list[str]]:
    """3.6.5: each VTIMEZONE has one TZID and at least one STANDARD or DAYLIGHT, each with DTSTART, TZOFFSETFROM
    and TZOFFSETTO once. Returns (the TZIDs defined, the problems)."""
    defined, problems = set(), []
    for zone in calendar.walk("VTIMEZONE"):
        found = counts(zone)
        if found.get("TZID", 0) != 1:
            problems.append("a VTIMEZONE must have TZID exactly once (RFC 5545 3.6.5)")
            continue
        tzid = str(zone["TZID"])
        defined.add(tzid)
        rules = [c for c in zone.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
        if not rules:
            problems.append(f"VTIMEZONE {tzid} has no STANDARD or DAYLIGHT component (RFC 5545 3.6.5)")
        for rule in rules:
            found = counts(rule)
            for name in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                if found.get(name, 0) != 1:
                    problems.append(f"VTIMEZONE {tzid} {rule.name} must have {name} once (RFC 5545 3.6.5)")
            if found.get("DTSTART") == 1 and form(rule["DTSTART"]) != "floating":
                problems.append(f"VTIMEZONE {tzid} {rule.name} DTSTART must be local time (RFC 5545 3.6.5)")
    return defined, problems


def event_problems(event, label: str, zones: set[str], method: bool, profile: bool) -> list[str]:
    """3.6.1 and the properties' own sections, for one VEVENT called `label` in the problems."""
    problems = [f"{label}: {name} cannot be read: {why} (RFC 5545 3.3)" for name, why in event.errors]
    found = counts(event)
    required = ["UID", "DTSTAMP"] if method else ["UID", "DTSTAMP", "DTSTART"]
    problems += [f"{label} has no {name}, which is required (RFC 5545 3.6.1)" for name in required if name not in found]
    if profile:
        missing = [name for name in PROFILE_EVENT if name not in found]
        problems += [f"{label} has no {name} (this project's feeds: every event has it)" for name in missing]
    repeated = [(name, n) for name, n in found.items() if n > 1 and name in EVENT_ONCE]
    problems += [f"{label} has {name} {n} times: at most once (RFC 5545 3.6.1)" for name, n in repeated]
    if "DTEND" in found and "DURATION" in found:
        problems.append(f"{label} has both DTEND and DURATION (RFC 5545 3.6.1)")
    for name, section in UTC_ONLY.items():
        for prop in values(event, name):
            if form(prop) != "utc":
                problems.append(f"{label}: {name} must be a UTC date-time ending Z (RFC 5545 {section})")
    for name in ("DTSTART", "DTEND"):
        for prop in values(event, name):
            tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
            if tzid and tzid not in zones:
                problems.append(f"{label}: {name} has TZID={tzid} but no VTIMEZONE defines it (RFC 5545 3.2.19)")
            if profile and form(prop) not in ("utc", "tzid"):
                problems.append(f"{label}: {name} must be UTC or carry a TZID (this project's feeds: no floating)")
    problems += value_problems(event, label, found, profile)
    return problems


def value_problems(event, label: str, found: dict, profile: bool) -> list[str]:
    """STATUS (3.8.1.11), SEQUENCE (3.8.7.4), DTEND after DTSTART (3.8.2.2), UID (3.8.4.7) and URL (3.8.4.6)."""
    problems = []
    if found.get("STATUS") == 1 and str(event["STATUS"]).upper() not in EVENT_STATUSES:
        problems.append(
            f"{label}: STATUS {event['STATUS']} is not one of {', '.join(EVENT_STATUSES)} (RFC 5545 3.8.1.11)"
        )
    if found.get("SEQUENCE") == 1:
        sequence = event["SEQUENCE"]
        if not isinstance(sequence, int) or sequence < 0:
            problems.append(f"{label}: SEQUENCE must be an integer 0 or more (RFC 5545 3.8.7.4)")
    if found.get("DTSTART") == 1 and found.get("DTEND") == 1:
        start, end = event["DTSTART"], event["DTEND"]
        if form(start) != form(end) and "date" in (form(start), form(end)):
            problems.append(f"{label}: DTEND must be the same value type as DTSTART (RFC 5545 3.8.2.2)")
        elif "broken" not in (form(start), form(end)) and _comparable(end.dt) <= _comparable(start.dt):
            problems.append(f"{label}: DTEND must be later than DTSTART (RFC 5545 3.8.2.2)")
    if found.get("UID") == 1 and profile:
        uid = str(event["UID"])
        local, at, host = uid.rpartition("@")
        if not (at and local and DOMAIN.fullmatch(host)):
            problems.append(f"{label}: UID {uid} has no domain right of '@' (RFC 5545 3.8.4.7: globally unique)")
    if found.get("URL") == 1 and not re.match(r"[a-z][a-z0-9+.-]*:", str(event["URL"]), re.IGNORECASE):
        problems.append(f"{label}: URL {event['URL']} is not a URI (RFC 5545 3.8.4.6, RFC 3986)")
    return problems


def _comparable(value):
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)


def ical_problems(data: bytes, *, profile: bool = True) -> list[str]:
    """Every problem found in `data` (bytes of a text/calendar file), [] when none. The file is parsed with
    icalendar.Calendar.from_ical (a file it cannot parse is one problem); the rules are RFC 5545's, named in
    each problem, plus with `profile` this project's (`PROFILE_EVENT`, no floating times, a domain in UIDs)."""
    problems = line_problems(data)
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        return [*problems, f"not an iCalendar object: {error} (RFC 5545 3.4)"]
    problems += calendar_problems(calendar)
    zones, zone_problems = timezone_problems(calendar)
    problems += zone_problems
    method = "METHOD" in calendar
    uids = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        label = f"VEVENT {number}" + (f" (UID {event['UID']})" if counts(event).get("UID") == 1 else "")
        problems += event_problems(event, label, zones, method, profile)
        if "RECURRENCE-ID" not in event:  # an overridden instance shares its series' UID (3.8.4.4)
            uids += [str(uid) for uid in values(event, "UID")]
    repeated = sorted({uid for uid in uids if uids.count(uid) > 1})
    problems += [f"UID {uid} is on more than one event (RFC 5545 3.8.4.7: unique)" for uid in repeated]
    return problems
