"""The OpenAPI 3.1 description of the API, written by hand beside the code it describes (tests hold them together)."""

URL = {"type": "string", "format": "uri"}
NULLABLE_URL = {"type": ["string", "null"], "format": "uri"}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
DATE = {"type": ["string", "null"], "format": "date"}
DATETIME = {"type": "string", "format": "date-time", "pattern": r"T.*([+-]\d\d:\d\d|Z)$"}
URLS = {"type": "array", "items": URL}


# A restricted object's protective marking and handling line (kcsp.marking.marking_line); absent on public ones.
MARKING = {"type": "string", "description": "Present on restricted material only: the marking and handling line."}


def obj(oparl_type: str, properties: dict, *, marked: bool = False) -> dict:
    """An OParl object: every property required, none other allowed; `marked` allows "protectiveMarking"."""
    properties = {"id": URL, "type": {"const": f"https://schema.oparl.org/1.1/{oparl_type}"}, **properties}
    required = list(properties)
    if marked:
        properties["protectiveMarking"] = MARKING
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


OBJECTS = {
    "Body": obj(
        "Body",
        {
            "name": TEXT,
            "shortName": TEXT,
            "website": URL,
            **{key: URL for key in ("organization", "person", "meeting", "paper", "agendaItem", "membership")},
            "file": URL,
            "consultation": URL,
        },
    ),
    "Organization": obj(
        "Organization",
        {
            "body": URL,
            "name": TEXT,
            "shortName": TEXT,
            "organizationType": {"const": "committee"},
            "classification": TEXT,
            "subOrganizationOf": NULLABLE_URL,
            "meeting": URL,
            "web": URL,
        },
    ),
    "Person": obj(
        "Person", {"body": URL, "name": TEXT, "familyName": TEXT, "formOfAddress": TEXT, "affix": NULLABLE_TEXT}
    ),
    "Membership": obj(
        "Membership",
        {
            "person": URL,
            "organization": URL,
            "role": TEXT,
            "onBehalfOf": TEXT,
            "startDate": {"type": "string", "format": "date"},
            "endDate": DATE,
        },
    ),
    "Meeting": obj(
        "Meeting",
        {
            "name": TEXT,
            "meetingState": TEXT,
            "cancelled": {"type": "boolean"},
            "start": DATETIME,
            "end": DATETIME,
            "location": {
                "type": "object",
                "required": ["description"],
                "properties": {"description": TEXT},
                "additionalProperties": False,
            },
            "organization": URLS,
            "agendaItem": URL,
            "web": URL,
            "modified": {"anyOf": [DATETIME, {"type": "null"}]},
        },
    ),
    "AgendaItem": obj(
        "AgendaItem",
        {
            "meeting": URL,
            "number": {"type": "string", "pattern": "^[A-Z][0-9]+$"},  # the committee's section letters
            "order": {"type": "integer"},
            "name": TEXT,
            "public": {"type": "boolean"},
            "result": NULLABLE_TEXT,
            "web": URL,
        },
        marked=True,
    ),
    "Paper": obj(
        "Paper",
        {
            "body": URL,
            "name": TEXT,
            "reference": TEXT,
            "date": {"type": "string", "format": "date"},
            "paperType": TEXT,
            "mainFile": NULLABLE_URL,
            "auxiliaryFile": URLS,
            "consultation": URLS,
            "web": URL,
        },
        marked=True,
    ),
    "Consultation": obj("Consultation", {"paper": URL, "agendaItem": URL, "meeting": URL, "role": NULLABLE_TEXT}),
    "File": obj(
        "File", {"name": TEXT, "fileName": TEXT, "mimeType": TEXT, "accessUrl": URL, "paper": URLS}, marked=True
    ),
    "System": {
        "type": "object",
        "required": ["id", "type", "oparlVersion", "name", "body", "openapi"],
        "properties": {"id": URL, "type": TEXT, "oparlVersion": TEXT, "name": TEXT, "body": URL, "openapi": URL},
    },
    "Pagination": {
        "type": "object",
        "required": ["totalElements", "elementsPerPage", "currentPage", "totalPages"],
        "properties": {
            name: {"type": "integer", "minimum": 0}
            for name in ("totalElements", "elementsPerPage", "currentPage", "totalPages")
        },
    },
    "Links": {
        "type": "object",
        "required": ["first", "last", "self"],
        "properties": {name: URL for name in ("first", "last", "self", "prev", "next")},
        "additionalProperties": False,
    },
    "Problem": {
        "type": "object",
        "required": ["status", "title"],
        "properties": {"status": {"type": "integer"}, "title": TEXT, "detail": TEXT},
    },
}

# path part -> (component, detail id pattern, list filters)
COLLECTIONS = {
    "body": ("Body", "^kcsp$", []),
    "organization": ("Organization", "^[0-9]+$", []),
    "person": ("Person", "^[0-9]+$", []),
    "membership": ("Membership", "^[0-9]+$", ["organization"]),
    "meeting": ("Meeting", "^[0-9]+$", ["organization"]),
    "agendaitem": ("AgendaItem", "^[0-9]+$", ["meeting"]),
    "paper": ("Paper", "^[0-9]+$", ["meeting"]),
    "consultation": ("Consultation", "^[0-9]+$", ["meeting"]),
    "file": ("File", "^(paper|appendix)-[0-9]+$", []),
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": {
        "description": "The token is malformed, unknown or revoked.",
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    },
    "404": {
        "description": "No such object, or not one this caller may see.",
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    },
}


def page_schema(component: str) -> dict:
    return {
        "type": "object",
        "required": ["data", "pagination", "links"],
        "properties": {
            "protectiveMarking": MARKING,  # when a restricted object is on the page
            "data": {"type": "array", "items": ref(component)},
            "pagination": ref("Pagination"),
            "links": ref("Links"),
        },
    }


def openapi(server_url: str) -> dict:
    schemas = dict(OBJECTS)
    paths = {
        "/": {
            "get": {
                "operationId": "system",
                "summary": "The system and where its bodies are",
                "security": [{}, {"bearer": []}],
                "responses": {"200": json_response("The system", ref("System")), **ERRORS},
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description",
                "security": [{}],
                "responses": {"200": {"description": "The OpenAPI document"}},
            }
        },
    }
    for part, (component, id_pattern, filters) in COLLECTIONS.items():
        schemas[f"{component}Page"] = page_schema(component)
        parameters = [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}]
        parameters += [
            {"name": f, "in": "query", "schema": {"type": "integer"}, "description": f"Only those of this {f} id"}
            for f in filters
        ]
        paths[f"/{part}/"] = {
            "get": {
                "operationId": f"{part}List",
                "summary": f"{component} objects the caller may see, {50} a page",
                "parameters": parameters,
                "security": [{}, {"bearer": []}],
                "responses": {
                    "200": json_response(f"A page of {component} objects", ref(f"{component}Page")),
                    **ERRORS,
                },
            }
        }
        paths[f"/{part}/{{id}}"] = {
            "get": {
                "operationId": f"{part}Get",
                "summary": f"One {component}",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "pattern": id_pattern}}
                ],
                "security": [{}, {"bearer": []}],
                "responses": {"200": json_response(f"The {component}", ref(component)), **ERRORS},
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kent Community Safety Partnership API",
            "version": "1.0.0",
            "description": (
                "Read-only data of the partnership's committees, meetings, agendas and papers, modelled on OParl 1.1. "
                "Without a token you see what the public sees; with `Authorization: Bearer <token>` (made on your "
                "account page) you see what your role may see, nothing more. Restricted items appear only to those "
                "entitled; Domestic Homicide Review items never appear. Dates are ISO 8601 with the time zone."
            ),
        },
        "servers": [{"url": server_url}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token from your account page"}
            },
        },
        "paths": paths,
    }
