"""Our own OParl 1.1 conformance checks, run by the API tests over every answer (test-only, pure Python).

Written from the OParl 1.1.1 specification text (sections cited as 2-03 URLs, 2-04 JSON output, 2-05 lists and
paging, 2-08 deleted objects, 2-09 errors, 3-00/3-01 schema) and the per-type table in `api.tests.oparl_schema`.

Each function returns a list of problems, one string each, `<path>: <what is wrong> (<rule>)`; an empty list means
conformant. Paths start at the type name (`Meeting.agendaItem[2].order`) or at `page` / `error`.
"""

import datetime
import math
import re
from urllib.parse import parse_qsl, urlsplit

from api.tests import oparl_schema as schema

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIME = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*(\s*;.*)?")
HEX = re.compile(r"[0-9a-fA-F]+")
VENDOR = re.compile(r"(?!oparl:)[A-Za-z][\w.-]*:[A-Za-z]\w*")  # "BeispielHersteller:faxNumber" (3-00)
GEOMETRIES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
ERROR_TYPE = schema.TYPE_URL.format("Error")
HTML_ESCAPE = re.compile(r"&(amp|lt|gt|quot|apos|nbsp|#\d+|#x[0-9a-fA-F]+);")
FILTERS = ("created_since", "created_until", "modified_since", "modified_until", "omit_internal", "limit")


def oparl_problems(obj: dict, type_name: str, *, embedded: bool = False, omit_internal: bool = False) -> list[str]:
    """Problems of one OParl object `obj` (parsed JSON) as `type_name` ("Meeting", ...); [] when conformant.

    `embedded=True` checks it as an object given inside another (2-05: never deleted; 3-00: no back-reference to
    the parent). `omit_internal=True` checks an answer to a request with `omit_internal=true` (2-05 Filter: the
    internal lists are left out, Body.legislativeTerm no longer required). Embedded objects within `obj` are
    checked recursively as their types. Raises ValueError for a
    `type_name` that is not one of the twelve OParl 1.1 types (a mistake in the test, not in the answer).
    """
    if type_name not in schema.TYPES:
        raise ValueError(f"{type_name!r} is not an OParl 1.1 object type; one of {sorted(schema.TYPES)}")
    problems: list[str] = []
    _object(obj, type_name, type_name, embedded, problems, omit_internal=omit_internal)
    return problems


def list_problems(page: dict, type_name: str) -> list[str]:
    """Problems of one page of an external object list of `type_name` objects (2-05); [] when conformant.

    A page has `data` (the objects, each checked), `pagination` (optional integers totalElements, elementsPerPage,
    currentPage, totalPages) and `links` (first, prev, self, next, last, web URLs; `next` on every page but the
    last). Filters in `links.self` must be kept in the other links; deleted objects only with `modified_since`;
    `omit_internal=true` in `links.self` leaves the internal lists out of the objects.
    """
    if type_name not in schema.TYPES:
        raise ValueError(f"{type_name!r} is not an OParl 1.1 object type; one of {sorted(schema.TYPES)}")
    if not isinstance(page, dict):
        return [f"page: a list page must be a JSON object, not {_json_type(page)} (2-05)"]
    problems: list[str] = []
    _unknown(page, ("data", "pagination", "links"), "page", problems, "a list page: data, pagination, links")
    for key in ("data", "pagination", "links"):
        if key not in page or page[key] is None:
            problems.append(f"page.{key}: every list page must have it (2-05 Paginierung)")
    data = page.get("data")
    links = _sub_object(page, "links", problems)
    omit = _query(links.get("self")).get("omit_internal") == "true"
    if "data" in page and not isinstance(data, list):
        problems.append(f"page.data: must be an array of objects, not {_json_type(data)} (2-05)")
        data = None
    for i, item in enumerate(data or []):
        _object(item, type_name, f"page.data[{i}]", False, problems, omit_internal=omit)
    pagination = _sub_object(page, "pagination", problems)
    numbers = _pagination(pagination, problems)
    _links(links, numbers, data, problems, links_given=isinstance(page.get("links"), dict))
    return problems


def error_problems(body: dict, status: int) -> list[str]:
    """Problems of an error answer `body` sent with HTTP `status`; [] when conformant.

    OParl's error object (2-09): `type` https://schema.oparl.org/1.1/Error, `message` for people, optional
    `debug`, sent with a status showing an error (4xx/5xx). Our answers are also RFC 9457 problem details:
    `title`, `status` (equal to the HTTP status) and `detail`, optional `instance` (a URI reference).
    """
    problems: list[str] = []
    if not (isinstance(status, int) and 400 <= status <= 599):
        problems.append(f"error: sent with HTTP status {status}; an error object needs an error status (2-09)")
    if not isinstance(body, dict):
        return [*problems, f"error: must be a JSON object, not {_json_type(body)} (2-09)"]
    allowed = ("type", "message", "debug", "title", "status", "detail", "instance", "errors")  # errors: 9457 3.2
    _unknown(body, allowed, "error", problems, "not an OParl 2-09 or RFC 9457 member")
    if body.get("type") != ERROR_TYPE:
        problems.append(f"error.type: must be {ERROR_TYPE}, not {body.get('type')!r} (2-09)")
    for key, rule in (("message", "2-09"), ("title", "RFC 9457 3.1.3"), ("detail", "RFC 9457 3.1.4")):
        if not (isinstance(body.get(key), str) and body[key].strip()):
            problems.append(f"error.{key}: a non-empty string is required ({rule})")
    if "status" not in body:
        problems.append("error.status: required, equal to the HTTP status (RFC 9457 3.1.2)")
    elif body["status"] != status or type(body["status"]) is not int:
        problems.append(f"error.status: {body['status']!r} differs from the HTTP status {status} (RFC 9457 3.1.2)")
    if "debug" in body and (body["debug"] in (None, "", [], {}) or not isinstance(body["debug"], str | dict)):
        problems.append("error.debug: leave it out rather than send it empty; a string or object (2-09, 2-04)")
    if "instance" in body and not (isinstance(body["instance"], str) and body["instance"].strip()):
        problems.append("error.instance: must be a URI reference string (RFC 9457 3.1.5)")
    return problems


# --- objects ---------------------------------------------------------------------------------------------------


def _object(obj, type_name: str, path: str, embedded: bool, problems: list[str], omit_internal=False) -> None:
    if not isinstance(obj, dict):
        problems.append(f"{path}: must be a JSON object, not {_json_type(obj)} (2-04)")
        return
    props = schema.properties(type_name)
    deleted = obj.get("deleted") is True
    if deleted:
        if embedded:
            problems.append(f"{path}: an embedded object must never be deleted (2-05 Interne Ausgabe)")
        for key in obj:
            if key not in schema.DELETED_KEEPS:
                problems.append(f"{path}.{key}: a deleted object carries only {', '.join(schema.DELETED_KEEPS)} (2-08)")
        required = schema.SHARED_REQUIRED
    else:
        required = schema.required(type_name)
        if omit_internal:
            internal = schema.OMIT_INTERNAL.get(type_name, ())
            required = tuple(key for key in required if key not in internal)
            for key in internal:
                if key in obj:
                    problems.append(f"{path}.{key}: an internal list is left out with omit_internal=true (2-05 Filter)")
        _unknown(obj, props, path, problems, f"not an OParl {type_name} property")
    for key in required:
        if key not in obj or obj[key] is None:
            problems.append(f"{path}.{key}: required and must not be null (3-00 {type_name}, 2-04)")
    if embedded:
        for key in schema.EMBEDDED_OMITS.get(type_name, ()):
            if key in obj:
                problems.append(f"{path}.{key}: a back-reference is left out of an embedded {type_name} (3-00)")
    for key, value in obj.items():
        kind = props.get(key)
        if deleted and key not in schema.DELETED_KEEPS:
            continue  # reported above
        if value is None:
            if key not in required:
                problems.append(f"{path}.{key}: leave an optional property out rather than send null (2-04)")
        elif value == "" or value == []:
            if value == "" or key not in required:
                problems.append(f"{path}.{key}: leave an empty {_json_type(value)} out (2-04)")
        elif kind == "type":
            if value != schema.TYPE_URL.format(type_name):
                problems.append(f"{path}.type: must be {schema.TYPE_URL.format(type_name)}, not {value!r} (3-01)")
        elif kind is not None:
            _value(value, kind, f"{path}.{key}", problems)
    if not deleted:
        _cross_checks(obj, type_name, path, problems)


def _value(value, kind: str, path: str, problems: list[str]) -> None:
    if kind.startswith("["):
        if not isinstance(value, list):
            problems.append(f"{path}: must be an array, not {_json_type(value)} (3-00)")
            return
        for i, item in enumerate(value):
            if item is None:
                problems.append(f"{path}[{i}]: an array holds no nulls (2-04)")
            else:
                _value(item, kind[1:-1], f"{path}[{i}]", problems)
        return
    if kind[0].isupper():
        _object(value, kind, path, True, problems)
        return
    wrong = _kind_problem(value, kind)
    if wrong:
        problems.append(f"{path}: {wrong}")


def _kind_problem(value, kind: str) -> str | None:
    if kind in ("int", "count"):
        if type(value) is not int:
            return f"must be an integer, not {_json_type(value)} (2-04)"
        return "must not be negative (3-00)" if kind == "count" and value < 0 else None
    if kind == "bool":
        return None if isinstance(value, bool) else f"must be true or false, not {_json_type(value)} (2-04)"
    if kind == "geojson":
        return _geojson_problem(value)
    if not isinstance(value, str):
        return f"must be a string, not {_json_type(value)} (2-04)"
    if value == "":
        return "must not be an empty string (2-04)"
    if kind in ("str", "lower") and HTML_ESCAPE.search(value):
        return f"{value!r} holds XML/HTML escaping; JSON strings carry the characters themselves (2-04)"
    if kind == "url":
        return _url_problem(value)
    if kind == "date":
        return _date_problem(value)
    if kind == "datetime":
        return _datetime_problem(value)
    if kind == "version" and value != schema.OPARL_VERSION:
        return f"must be {schema.OPARL_VERSION} for an OParl 1.1 server, not {value!r} (System.oparlVersion)"
    if kind == "email" and not EMAIL.fullmatch(value):
        return f"{value!r} is not an e-mail address"
    if kind == "mime" and not MIME.fullmatch(value):
        return f"{value!r} is not a MIME type type/subtype (RFC 2046)"
    if kind in ("sha1", "sha512"):
        digits = 40 if kind == "sha1" else 128
        if not (len(value) == digits and HEX.fullmatch(value)):
            return f"must be {digits} hexadecimal digits ({kind.upper()} checksum, File)"
    if kind == "lower" and value != value.lower():
        return f"{value!r} must be written in lower case (Person.gender)"
    return None


def _url_problem(value: str) -> str | None:
    if any(c.isspace() or ord(c) < 32 for c in value):
        return f"{value!r} holds white space; not a URL (2-03, RFC 3986)"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        return f"{value!r} is not a URL (2-03, RFC 3986)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{value!r} is not an absolute http(s) URL (2-03)"
    return None


def _date_problem(value: str) -> str | None:
    if DATE.fullmatch(value):
        try:
            datetime.date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return f"{value!r} is not a date YYYY-MM-DD (2-04 Datums- und Zeitangaben)"


def _datetime_problem(value: str) -> str | None:
    if DATETIME.fullmatch(value):
        try:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if abs(parsed.utcoffset()) < datetime.timedelta(hours=24):
                return None
        except ValueError:
            pass
    return f"{value!r} is not a date-time YYYY-MM-DDThh:mm:ss with an offset ±hh:mm or Z (2-04, RFC 3339)"


def _geojson_problem(value) -> str | None:
    rule = "(Location.geojson: a complete GeoJSON Feature, RFC 7946 3.2)"
    if not isinstance(value, dict) or value.get("type") != "Feature":
        return f"must be a GeoJSON object of type Feature {rule}"
    if "geometry" not in value or "properties" not in value:
        return f"a Feature has members geometry and properties (either may be null) {rule}"
    geometry, props = value["geometry"], value["properties"]
    if props is not None and not isinstance(props, dict):
        return f"properties must be an object or null {rule}"
    if geometry is None:
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRIES:
        return f"geometry must be a GeoJSON geometry object, one of {sorted(GEOMETRIES)} {rule}"
    member = "geometries" if geometry["type"] == "GeometryCollection" else "coordinates"
    if not isinstance(geometry.get(member), list):
        return f"a {geometry['type']} has an array {member} (RFC 7946 3.1)"
    if geometry["type"] == "Point":
        point = geometry["coordinates"]
        numbers = all(isinstance(n, int | float) and not isinstance(n, bool) for n in point)
        if not (2 <= len(point) <= 3 and numbers and -180 <= point[0] <= 180 and -90 <= point[1] <= 90):
            return "a Point is [longitude, latitude(, altitude)] in degrees (RFC 7946 3.1.1, 4)"
    return None


def _cross_checks(obj: dict, type_name: str, path: str, problems: list[str]) -> None:
    """Rules between properties: time order, agenda order, Person.locationObject beside location."""
    for first, last in (("created", "modified"), ("startDate", "endDate"), ("start", "end")):
        earlier, later = _moment(obj.get(first)), _moment(obj.get(last))
        if earlier is not None and later is not None and type(earlier) is type(later) and later < earlier:
            problems.append(f"{path}.{last}: {obj[last]!r} is before {first} {obj[first]!r}")
    if type_name == "Meeting" and isinstance(obj.get("agendaItem"), list):
        for i, item in enumerate(obj["agendaItem"]):
            if isinstance(item, dict) and "order" in item and item["order"] != i:
                problems.append(
                    f"{path}.agendaItem[{i}].order: {item['order']!r} is not its position {i} in the meeting's "
                    "agendaItem (AgendaItem.order: numbered from 0 in that order)"
                )
    located = obj.get("locationObject")
    if type_name == "Person" and isinstance(located, dict) and obj.get("location") != located.get("id"):
        problems.append(
            f"{path}.location: must be given with locationObject and name the same Location (Person.locationObject)"
        )


def _moment(value):
    """A date or aware date-time from a well-formed value, else None (format problems are reported elsewhere)."""
    if not isinstance(value, str):
        return None
    if DATE.fullmatch(value) and _date_problem(value) is None:
        return datetime.date.fromisoformat(value)
    if _datetime_problem(value) is None:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return None


# --- lists -----------------------------------------------------------------------------------------------------


def _sub_object(page: dict, key: str, problems: list[str]) -> dict:
    value = page.get(key)
    if key in page and value is not None and not isinstance(value, dict):
        problems.append(f"page.{key}: must be an object, not {_json_type(value)} (2-05)")
    return value if isinstance(value, dict) else {}


def _pagination(pagination: dict, problems: list[str]) -> dict:
    """The well-formed pagination numbers, after reporting the bad ones and their contradictions."""
    names = ("totalElements", "elementsPerPage", "currentPage", "totalPages")
    _unknown(pagination, names, "page.pagination", problems, "2-05 names four")
    numbers = {}
    for name in names:
        if name not in pagination:
            continue
        value, least = pagination[name], 1 if name in ("elementsPerPage", "currentPage") else 0
        if type(value) is not int or value < least:
            problems.append(f"page.pagination.{name}: must be an integer >= {least}, not {value!r} (2-05)")
        else:
            numbers[name] = value
    total, per, current, pages = (numbers.get(n) for n in names)
    if current is not None and pages is not None and current > max(pages, 1):
        problems.append(f"page.pagination.currentPage: page {current} of {pages} (2-05)")
    if total is not None and per is not None and pages is not None:
        expected = {0, 1} if total == 0 else {math.ceil(total / per)}
        if pages not in expected:
            problems.append(
                f"page.pagination.totalPages: {pages} pages cannot hold {total} objects {per} a page (2-05)"
            )
    return numbers


def _links(links: dict, numbers: dict, data: list | None, problems: list[str], links_given: bool) -> None:
    names = ("first", "prev", "self", "next", "last", "web")
    _unknown(links, names, "page.links", problems, "2-05 names six")
    for name in names:
        if name in links:
            wrong = _kind_problem(links[name], "url")
            if wrong:
                problems.append(f"page.links.{name}: {wrong}")
    current, pages, per = numbers.get("currentPage"), numbers.get("totalPages"), numbers.get("elementsPerPage")
    if current is not None and pages is not None:
        last_page = current >= pages
    elif "self" in links and "last" in links:
        last_page = links["self"] == links["last"]
    else:
        last_page = None  # nothing tells which page this is
    if last_page is False and "next" not in links and links_given:
        problems.append("page.links.next: required on every page but the last (2-05 Paginierung)")
    if last_page is True and "next" in links:
        problems.append("page.links.next: the last page has no next page (2-05 Paginierung)")
    if current == 1 and "prev" in links:
        problems.append("page.links.prev: the first page has no previous page (2-05 Paginierung)")
    if data is not None and per is not None and (len(data) > per or (last_page is False and len(data) != per)):
        problems.append(f"page.data: {len(data)} objects on a page of {per} (pagination.elementsPerPage, 2-05)")
    self_query = _query(links.get("self"))
    kept = {name: value for name, value in self_query.items() if name in FILTERS}
    for name in ("first", "prev", "next", "last"):
        if name not in links:
            continue
        query = _query(links[name])
        for filter_name, value in kept.items():
            if query.get(filter_name) != value:
                problems.append(
                    f"page.links.{name}: drops the filter {filter_name}={value} of links.self (2-05 Filter)"
                )
    if "self" in links and "modified_since" not in self_query:
        for i, item in enumerate(data or []):
            if isinstance(item, dict) and item.get("deleted") is True:
                problems.append(f"page.data[{i}]: deleted objects are listed only with modified_since (2-05 Filter)")


def _query(url) -> dict:
    if not isinstance(url, str) or _url_problem(url):
        return {}
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


# --- shared ----------------------------------------------------------------------------------------------------


def _unknown(obj: dict, known, path: str, problems: list[str], why: str) -> None:
    for key in obj:
        if key not in known and not VENDOR.fullmatch(str(key)):
            problems.append(
                f"{path}.{key}: unknown property ({why}); a vendor's own is prefixed, e.g. 'kcsp:{key}' (3-00)"
            )


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__
