"""Hand-written OParl 1.1 objects that conform, one a type, for the checker's tests and the API tests to vary.

They follow the shapes of the OParl 1.1.1 specification's examples, rewritten for a community safety partnership.
`with_(type_name, key=value, other=...)` gives a deep copy with changes (`...` removes a property).
"""

import copy

API = "https://kcsp.example.org/oparl/v1"
T = "https://schema.oparl.org/1.1/"
STAMPS = {"created": "2026-01-05T09:30:00+00:00", "modified": "2026-02-10T16:02:11+00:00"}


def stamped(obj: dict) -> dict:
    return {**obj, **STAMPS}


LOCATION = stamped(
    {
        "id": f"{API}/location/3",
        "type": f"{T}Location",
        "description": "Sessions House, County Hall, Maidstone ME14 1XQ",
        "streetAddress": "County Hall",
        "room": "Darent Room",
        "postalCode": "ME14 1XQ",
        "locality": "Maidstone",
        "geojson": {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [0.5219, 51.2776]},
            "properties": {},
        },
    }
)
FILE = stamped(
    {
        "id": f"{API}/file/57",
        "type": f"{T}File",
        "name": "Agenda pack",
        "fileName": "agenda-pack.pdf",
        "mimeType": "application/pdf",
        "date": "2026-02-03",
        "size": 82930,
        "sha1Checksum": "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "sha512Checksum": "ab" * 64,
        "accessUrl": f"{API}/file/57/access",
        "downloadUrl": f"{API}/file/57/download",
    }
)
AGENDA_ITEM = stamped(
    {
        "id": f"{API}/agendaitem/201",
        "type": f"{T}AgendaItem",
        "number": "1.",
        "order": 0,
        "name": "Minutes of the last meeting",
        "public": True,
        "consultation": f"{API}/consultation/9",
        "result": "Agreed",
        "resolutionText": "The minutes were agreed as a true record.",
        "resolutionFile": {**FILE, "id": f"{API}/file/58", "accessUrl": f"{API}/file/58/access"},
        "start": "2026-02-12T10:00:00+00:00",
        "end": "2026-02-12T10:10:00Z",
    }
)
MEMBERSHIP = stamped(
    {
        "id": f"{API}/membership/385",
        "type": f"{T}Membership",
        "organization": f"{API}/organization/5",
        "role": "Chair",
        "votingRight": True,
        "startDate": "2025-05-01",
        "endDate": "2027-04-30",
        "onBehalfOf": f"{API}/organization/9",
    }
)
CONSULTATION = stamped(
    {
        "id": f"{API}/consultation/9",
        "type": f"{T}Consultation",
        "agendaItem": f"{API}/agendaitem/202",
        "meeting": f"{API}/meeting/281",
        "organization": [f"{API}/organization/5"],
        "authoritative": False,
        "role": "For decision",
    }
)
LEGISLATIVE_TERM = stamped(
    {
        "id": f"{API}/legislativeterm/2",
        "type": f"{T}LegislativeTerm",
        "name": "Partnership year 2025/26",
        "startDate": "2025-04-01",
        "endDate": "2026-03-31",
    }
)

CONFORMANT = {
    "System": stamped(
        {
            "id": f"{API}/system",
            "type": f"{T}System",
            "oparlVersion": "https://schema.oparl.org/1.1/",
            "body": f"{API}/body",
            "name": "Kent Community Safety Partnership",
            "contactEmail": "kcsp@example.org",
            "contactName": "Partnership support team",
            "website": "https://kcsp.example.org/",
            "license": "https://creativecommons.org/licenses/by/4.0/",
        }
    ),
    "Body": stamped(
        {
            "id": f"{API}/body/1",
            "type": f"{T}Body",
            "system": f"{API}/system",
            "name": "Kent Community Safety Partnership",
            "shortName": "KCSP",
            "website": "https://kcsp.example.org/",
            "oparlSince": "2026-03-01T00:00:00+00:00",
            "organization": f"{API}/body/1/organization",
            "person": f"{API}/body/1/person",
            "meeting": f"{API}/body/1/meeting",
            "paper": f"{API}/body/1/paper",
            "agendaItem": f"{API}/body/1/agendaitem",
            "consultation": f"{API}/body/1/consultation",
            "file": f"{API}/body/1/file",
            "locationList": f"{API}/body/1/location",
            "legislativeTermList": f"{API}/body/1/legislativeterm",
            "membership": f"{API}/body/1/membership",
            "legislativeTerm": [LEGISLATIVE_TERM],
            "location": LOCATION,
            "keyword": ["community safety"],
            "web": "https://kcsp.example.org/",
        }
    ),
    "LegislativeTerm": {**LEGISLATIVE_TERM, "body": f"{API}/body/1"},
    "Location": {**LOCATION, "meetings": [f"{API}/meeting/281"], "bodies": [f"{API}/body/1"]},
    "Organization": stamped(
        {
            "id": f"{API}/organization/5",
            "type": f"{T}Organization",
            "body": f"{API}/body/1",
            "name": "Kent Community Safety Partnership Board",
            "shortName": "Board",
            "membership": [f"{API}/membership/385"],
            "meeting": f"{API}/organization/5/meeting",
            "post": ["Chair", "Vice-chair"],
            "organizationType": "committee",
            "classification": "Partnership board",
            "startDate": "2012-04-01",
            "location": LOCATION,
        }
    ),
    "Person": stamped(
        {
            "id": f"{API}/person/12",
            "type": f"{T}Person",
            "body": f"{API}/body/1",
            "name": "Cllr Jane Example",
            "familyName": "Example",
            "givenName": "Jane",
            "formOfAddress": "Cllr",
            "gender": "female",
            "email": ["jane.example@example.org"],
            "location": f"{API}/location/3",
            "locationObject": LOCATION,
            "status": ["Chair"],
            "membership": [MEMBERSHIP],
        }
    ),
    "Membership": {**MEMBERSHIP, "person": f"{API}/person/12"},
    "Meeting": stamped(
        {
            "id": f"{API}/meeting/281",
            "type": f"{T}Meeting",
            "name": "Partnership board, February 2026",
            "meetingState": "held",
            "cancelled": False,
            "start": "2026-02-12T10:00:00+00:00",
            "end": "2026-02-12T12:30:00+00:00",
            "location": LOCATION,
            "organization": [f"{API}/organization/5"],
            "participant": [f"{API}/person/12"],
            "invitation": FILE,
            "auxiliaryFile": [{**FILE, "id": f"{API}/file/59", "accessUrl": f"{API}/file/59/access"}],
            "agendaItem": [AGENDA_ITEM, {**AGENDA_ITEM, "id": f"{API}/agendaitem/202", "order": 1, "number": "2."}],
        }
    ),
    "AgendaItem": {**AGENDA_ITEM, "meeting": f"{API}/meeting/281"},
    "Paper": stamped(
        {
            "id": f"{API}/paper/749",
            "type": f"{T}Paper",
            "body": f"{API}/body/1",
            "name": "Tactical pot: bids for 2026/27",
            "reference": "KCSP/2026/04",
            "date": "2026-02-01",
            "paperType": "report",
            "relatedPaper": [f"{API}/paper/700"],
            "mainFile": FILE,
            "location": [LOCATION],
            "originatorOrganization": [f"{API}/organization/5"],
            "consultation": [CONSULTATION],
        }
    ),
    "Consultation": {**CONSULTATION, "paper": f"{API}/paper/749"},
    "File": {**FILE, "meeting": [f"{API}/meeting/281"], "derivativeFile": [f"{API}/file/60"]},
}


def with_(type_name: str, **changes) -> dict:
    """A deep copy of the conformant example with `changes` (a value of ... removes the property)."""
    obj = copy.deepcopy(CONFORMANT[type_name])
    for key, value in changes.items():
        if value is ...:
            del obj[key]
        else:
            obj[key] = value
    return obj
