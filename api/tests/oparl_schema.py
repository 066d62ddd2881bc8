"""OParl 1.1 object types as a table of their properties, written by us from the OParl 1.1.1 specification.

Test-only data for `api.tests.oparl_checks`. Each property names its kind:

- "str": a non-empty string; "url": an absolute http(s) URL (2-03); "date": `YYYY-MM-DD`; "datetime": RFC 3339
  date-time with an offset or `Z` (2-04 "Datums- und Zeitangaben"); "int": a JSON integer (never a boolean);
  "count": an integer >= 0; "bool": true or false;
- "email": an e-mail address; "mime": a MIME type `type/subtype` (RFC 2046); "sha1"/"sha512": lower- or upper-case
  hexadecimal digests (40 / 128 digits); "lower": a lower-case string (Person.gender); "geojson": a complete GeoJSON
  Feature (RFC 7946 section 3.2, as the Location.geojson description demands); "version": the OParl 1.1 URL;
- a capitalised name ("Location", "File", ...): an object embedded in this one, checked as that type (2-05
  "Interne Ausgabe von Objekten"); "[kind]": an array of that kind.

Sources: the schema chapter (3-00, per-type property tables), 3-01 (properties shared by every type: `created` and
`modified` are required in every object, embedded ones too, since 1.1), the property descriptions (Body's six
1.1 list links are "ZWINGEND"; File's and Location's back-references are only given when the object is not
embedded; Membership.person, AgendaItem.meeting, LegislativeTerm.body and Consultation.paper are back-references to
the parent left out of the embedded form, 3-00 "Rückreferenz auf das Elternobjekt").
"""

TYPE_URL = "https://schema.oparl.org/1.1/{}"
OPARL_VERSION = "https://schema.oparl.org/1.1/"

# Every type has these (3-01); `license` is a licence URL (3-01 "Lizenz-URL"), `keyword` a list of strings.
SHARED = {
    "id": "url",
    "type": "type",
    "created": "datetime",
    "modified": "datetime",
    "web": "url",
    "deleted": "bool",
    "license": "url",
    "keyword": "[str]",
}
SHARED_REQUIRED = ("id", "type", "created", "modified")

# type -> (required beyond SHARED_REQUIRED, {property: kind})
TYPES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "System": (
        ("oparlVersion", "body"),
        {
            "oparlVersion": "version",
            "otherOparlVersions": "[url]",
            "body": "url",
            "name": "str",
            "contactEmail": "email",
            "contactName": "str",
            "website": "url",
            "vendor": "url",
            "product": "url",
        },
    ),
    "Body": (
        (
            "name",
            "organization",
            "person",
            "meeting",
            "paper",
            "legislativeTerm",
            # "ZWINGEND ... Neu in OParl 1.1" in each property's description
            "agendaItem",
            "consultation",
            "file",
            "locationList",
            "legislativeTermList",
            "membership",
        ),
        {
            "system": "url",
            "shortName": "str",
            "name": "str",
            "website": "url",
            "licenseValidSince": "datetime",
            "oparlSince": "datetime",
            "ags": "str",
            "rgs": "str",
            "equivalent": "[url]",
            "contactEmail": "email",
            "contactName": "str",
            "organization": "url",
            "person": "url",
            "meeting": "url",
            "paper": "url",
            "legislativeTerm": "[LegislativeTerm]",
            "agendaItem": "url",
            "consultation": "url",
            "file": "url",
            "locationList": "url",
            "legislativeTermList": "url",
            "membership": "url",
            "classification": "str",
            "location": "Location",
        },
    ),
    "LegislativeTerm": ((), {"body": "url", "name": "str", "startDate": "date", "endDate": "date"}),
    "Location": (
        (),
        {
            "description": "str",
            "geojson": "geojson",
            "streetAddress": "str",
            "room": "str",
            "postalCode": "str",
            "subLocality": "str",
            "locality": "str",
            "bodies": "[url]",
            "organizations": "[url]",
            "persons": "[url]",
            "meetings": "[url]",
            "papers": "[url]",
        },
    ),
    "Organization": (
        (),
        {
            "body": "url",
            "name": "str",
            "membership": "[url]",
            "meeting": "url",
            "consultation": "url",
            "shortName": "str",
            "post": "[str]",
            "subOrganizationOf": "url",
            "organizationType": "str",
            "classification": "str",
            "startDate": "date",
            "endDate": "date",
            "website": "url",
            "location": "Location",
            "externalBody": "url",
        },
    ),
    "Person": (
        (),
        {
            "body": "url",
            "name": "str",
            "familyName": "str",
            "givenName": "str",
            "formOfAddress": "str",
            "affix": "str",
            "title": "[str]",
            "gender": "lower",
            "phone": "[str]",
            "email": "[email]",
            "location": "url",
            "locationObject": "Location",
            "status": "[str]",
            "membership": "[Membership]",
            "life": "str",
            "lifeSource": "str",
        },
    ),
    "Membership": (
        (),
        {
            "person": "url",
            "organization": "url",
            "role": "str",
            "votingRight": "bool",
            "startDate": "date",
            "endDate": "date",
            "onBehalfOf": "url",
        },
    ),
    "Meeting": (
        (),
        {
            "name": "str",
            "meetingState": "str",
            "cancelled": "bool",
            "start": "datetime",
            "end": "datetime",
            "location": "Location",
            "organization": "[url]",
            "participant": "[url]",
            "invitation": "File",
            "resultsProtocol": "File",
            "verbatimProtocol": "File",
            "auxiliaryFile": "[File]",
            "agendaItem": "[AgendaItem]",
        },
    ),
    "AgendaItem": (
        ("order",),
        {
            "meeting": "url",
            "number": "str",
            "order": "count",  # "von 0 an durchgehend numeriert" (AgendaItem.order description)
            "name": "str",
            "public": "bool",
            "consultation": "url",
            "result": "str",
            "resolutionText": "str",
            "resolutionFile": "File",
            "auxiliaryFile": "[File]",
            "start": "datetime",
            "end": "datetime",
        },
    ),
    "Paper": (
        (),
        {
            "body": "url",
            "name": "str",
            "reference": "str",
            "date": "date",
            "paperType": "str",
            "relatedPaper": "[url]",
            "superordinatedPaper": "[url]",
            "subordinatedPaper": "[url]",
            "mainFile": "File",
            "auxiliaryFile": "[File]",
            "location": "[Location]",
            "originatorPerson": "[url]",
            "underDirectionOf": "[url]",
            "originatorOrganization": "[url]",
            "consultation": "[Consultation]",
        },
    ),
    "Consultation": (
        (),
        {
            "paper": "url",
            "agendaItem": "url",
            "meeting": "url",
            "organization": "[url]",
            "authoritative": "bool",
            "role": "str",
        },
    ),
    "File": (
        ("accessUrl",),
        {
            "name": "str",
            "fileName": "str",
            "mimeType": "mime",
            "date": "date",
            "size": "count",  # bytes
            "sha1Checksum": "sha1",
            "sha512Checksum": "sha512",
            "text": "str",
            "accessUrl": "url",
            "downloadUrl": "url",
            "externalServiceUrl": "url",
            "masterFile": "url",
            "derivativeFile": "[url]",
            "fileLicense": "url",
            "meeting": "[url]",
            "agendaItem": "[url]",
            "paper": "[url]",
        },
    ),
}

NO_KEYWORD = {"System"}  # the System type has no `keyword` property

# Properties an embedded object leaves out: back-references to its parent (3-00; File and Location descriptions:
# "Wird nur dann ausgegeben, wenn das ... Objekt nicht als eingebettetes Objekt aufgerufen wird").
EMBEDDED_OMITS = {
    "File": ("meeting", "agendaItem", "paper"),
    "Location": ("bodies", "organizations", "persons", "meetings", "papers"),
    "Membership": ("person",),
    "AgendaItem": ("meeting",),
    "LegislativeTerm": ("body",),
    "Consultation": ("paper",),
}

# Internal lists left out when a client asks omit_internal=true (2-05 Filter, new in 1.1).
OMIT_INTERNAL = {
    "AgendaItem": ("auxiliaryFile",),
    "Meeting": ("auxiliaryFile", "agendaItem"),
    "Paper": ("auxiliaryFile", "location"),
    "Person": ("membership",),
    "Body": ("legislativeTerm",),
}

# A deleted object carries these and nothing else (2-08 keeps id, type, created, sets modified; the rest may go,
# and our API drops it so nothing of a withdrawn item is left in the answer).
DELETED_KEEPS = ("id", "type", "created", "modified", "deleted")


def properties(type_name: str) -> dict[str, str]:
    """All properties of `type_name` with their kinds (SHARED plus the type's own); KeyError for an unknown type."""
    own = TYPES[type_name][1]
    shared = {k: v for k, v in SHARED.items() if not (k == "keyword" and type_name in NO_KEYWORD)}
    return shared | own


def required(type_name: str) -> tuple[str, ...]:
    """The properties `type_name` must carry, not null (3-01 for the shared ones, 3-00 per type)."""
    return SHARED_REQUIRED + TYPES[type_name][0]
