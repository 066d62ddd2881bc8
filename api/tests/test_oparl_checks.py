"""The OParl 1.1 checker itself: hand-written conformant objects pass, and each rule has an answer that breaks it.

The conformant examples are in `api.tests.oparl_examples`. Pure Python: no database, no server.
"""

import pytest

from api.tests.oparl_checks import error_problems, list_problems, oparl_problems
from api.tests.oparl_examples import (
    AGENDA_ITEM,
    API,
    CONFORMANT,
    CONSULTATION,
    FILE,
    LOCATION,
    MEMBERSHIP,
    STAMPS,
    T,
    with_,
)


def one(problems: list[str], *words: str) -> str:
    """The single problem found, after checking it names each of `words`."""
    assert len(problems) == 1, problems
    for word in words:
        assert word in problems[0], problems
    return problems[0]


@pytest.mark.parametrize("type_name", sorted(CONFORMANT))
def test_each_conformant_example_passes(type_name):
    assert oparl_problems(CONFORMANT[type_name], type_name) == []


def test_the_examples_cover_all_twelve_types():
    assert len(CONFORMANT) == 12


@pytest.mark.parametrize("type_name", ["Location", "File", "AgendaItem", "Membership", "Consultation"])
def test_an_embeddable_object_without_back_references_passes_embedded(type_name):
    embedded = {"Location": LOCATION, "File": FILE, "AgendaItem": AGENDA_ITEM, "Membership": MEMBERSHIP}
    obj = embedded.get(type_name, CONSULTATION)
    assert oparl_problems(obj, type_name, embedded=True) == []


@pytest.mark.parametrize(
    ("type_name", "key"),
    [("Body", "name"), ("File", "accessUrl"), ("AgendaItem", "order"), ("System", "body"), ("Meeting", "id")],
)
def test_a_missing_required_property_is_a_problem(type_name, key):
    one(oparl_problems(with_(type_name, **{key: ...}), type_name), f"{type_name}.{key}", "required")


@pytest.mark.parametrize("key", ["type", "created", "modified"])
def test_every_object_needs_type_created_and_modified(key):
    one(oparl_problems(with_("Location", **{key: ...}), "Location"), f"Location.{key}", "required")


def test_body_needs_the_six_lists_new_in_oparl_1_1():
    problems = oparl_problems(with_("Body", file=..., membership=...), "Body")
    assert problems == [
        "Body.file: required and must not be null (3-00 Body, 2-04)",
        "Body.membership: required and must not be null (3-00 Body, 2-04)",
    ]


def test_a_required_property_must_not_be_null():
    one(oparl_problems(with_("Body", name=None), "Body"), "Body.name", "must not be null")


def test_a_required_array_may_be_empty_but_an_optional_one_may_not():
    assert oparl_problems(with_("Body", legislativeTerm=[]), "Body") == []
    one(oparl_problems(with_("Body", keyword=[]), "Body"), "Body.keyword", "empty")


def test_optional_properties_are_left_out_rather_than_null_or_empty():
    one(oparl_problems(with_("Meeting", name=None), "Meeting"), "Meeting.name", "null", "2-04")
    one(oparl_problems(with_("Meeting", meetingState=""), "Meeting"), "Meeting.meetingState", "empty")
    one(oparl_problems(with_("Meeting", participant=[]), "Meeting"), "Meeting.participant", "empty")


@pytest.mark.parametrize(
    "value", ["2026-13-01", "2026-02-30", "01/02/2026", "2026-2-1", "2026-02-01T00:00:00Z", 20260201]
)
def test_a_bad_date_is_a_problem(value):
    one(oparl_problems(with_("Paper", date=value), "Paper"), "Paper.date")


@pytest.mark.parametrize(
    "value",
    ["2026-02-12T10:00:00", "2026-02-12", "2026-02-12 10:00:00+00:00", "2026-02-12T25:00:00Z", "2026-02-12T10:00Z"],
)
def test_a_date_time_without_offset_or_otherwise_malformed_is_a_problem(value):
    one(oparl_problems(with_("Meeting", start=value, end=...), "Meeting"), "Meeting.start", "date-time")


@pytest.mark.parametrize(
    "value", ["2026-02-12T10:00:00+01:00", "2026-02-12T10:00:00Z", "2026-02-12T10:00:00.250-05:00"]
)
def test_date_times_with_an_offset_or_z_pass(value):
    assert oparl_problems(with_("Meeting", start=value, end=...), "Meeting") == []


@pytest.mark.parametrize(
    "value",
    ["/oparl/v1/meeting/281", "meeting/281", "ftp://kcsp.example.org/x", "https://", "https://kcsp.example.org/a b"],
)
def test_a_relative_or_non_http_url_is_a_problem(value):
    one(oparl_problems(with_("Meeting", id=value), "Meeting"), "Meeting.id", "URL")


def test_urls_inside_arrays_are_checked_with_their_position():
    one(
        oparl_problems(with_("Meeting", organization=[f"{API}/organization/5", "/organization/6"]), "Meeting"),
        "Meeting.organization[1]",
    )


@pytest.mark.parametrize("value", [f"{T}Paper", "https://schema.oparl.org/1.0/Meeting", "Meeting", f"{T}meeting"])
def test_a_wrong_type_url_is_a_problem(value):
    one(oparl_problems(with_("Meeting", type=value), "Meeting"), "Meeting.type", f"{T}Meeting")


def test_an_unknown_unprefixed_property_is_a_problem_and_a_vendor_prefixed_one_is_not():
    one(
        oparl_problems(with_("Meeting", restricted=True), "Meeting"), "Meeting.restricted", "unknown", "kcsp:restricted"
    )
    assert oparl_problems(with_("Meeting", **{"kcsp:marking": "OFFICIAL"}), "Meeting") == []
    one(oparl_problems(with_("Meeting", **{"oparl:extra": 1}), "Meeting"), "oparl:extra", "unknown")


def test_a_vendor_property_still_follows_the_null_rule():
    one(oparl_problems(with_("Meeting", **{"kcsp:marking": None}), "Meeting"), "kcsp:marking", "null")


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("order", True, "integer"),
        ("order", "1", "integer"),
        ("order", -1, "negative"),
        ("public", "yes", "true or false"),
        ("number", 1, "string"),
    ],
)
def test_property_types(key, value, words):
    one(oparl_problems(with_("AgendaItem", **{key: value}), "AgendaItem"), f"AgendaItem.{key}", words)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("sha1Checksum", "da39a3", "40 hexadecimal"),
        ("sha512Checksum", "zz" * 64, "128 hexadecimal"),
        ("mimeType", "pdf", "MIME"),
        ("size", 1.5, "integer"),
    ],
)
def test_file_formats(key, value, words):
    one(oparl_problems(with_("File", **{key: value}), "File"), f"File.{key}", words)


def test_an_embedded_object_is_checked_as_its_type_with_its_path():
    bad_invitation = {k: v for k, v in FILE.items() if k != "accessUrl"}
    one(
        oparl_problems(with_("Meeting", invitation=bad_invitation), "Meeting"),
        "Meeting.invitation.accessUrl",
        "required",
    )
    meeting = with_("Meeting")
    meeting["agendaItem"][1]["auxiliaryFile"] = [{**FILE, "date": "12/02/2026"}]
    one(oparl_problems(meeting, "Meeting"), "Meeting.agendaItem[1].auxiliaryFile[0].date")
    paper = with_("Paper")
    paper["consultation"][0]["authoritative"] = "no"
    one(oparl_problems(paper, "Paper"), "Paper.consultation[0].authoritative")
    one(oparl_problems(with_("Body", location=f"{API}/location/3"), "Body"), "Body.location", "JSON object")
    one(oparl_problems(with_("Paper", location=LOCATION), "Paper"), "Paper.location", "array")


def test_an_embedded_object_leaves_out_its_back_reference():
    one(
        oparl_problems(with_("Meeting", invitation={**FILE, "meeting": [f"{API}/meeting/281"]}), "Meeting"),
        "Meeting.invitation.meeting",
        "back-reference",
    )
    person = with_("Person")
    person["membership"][0]["person"] = f"{API}/person/12"
    one(oparl_problems(person, "Person"), "Person.membership[0].person", "back-reference")
    problems = oparl_problems(CONFORMANT["Location"], "Location", embedded=True)
    assert [p.split(":")[0] for p in problems] == ["Location.bodies", "Location.meetings"], problems


def test_an_embedded_object_is_never_deleted():
    deleted_term = {"id": f"{API}/legislativeterm/2", "type": f"{T}LegislativeTerm", "deleted": True, **STAMPS}
    one(
        oparl_problems(with_("Body", legislativeTerm=[deleted_term]), "Body"),
        "Body.legislativeTerm[0]",
        "never be deleted",
    )


def test_a_deleted_object_needs_only_id_type_created_modified():
    deleted = {"id": f"{API}/paper/750", "type": f"{T}Paper", "deleted": True, **STAMPS}
    assert oparl_problems(deleted, "Paper") == []
    assert oparl_problems({**deleted, "deleted": False}, "Paper") == [], "not deleted: a Paper needs no more"
    assert oparl_problems({**deleted, "id": f"{API}/file/1", "type": f"{T}File"}, "File") == [], "no accessUrl"


def test_a_deleted_object_carrying_data_is_a_problem():
    deleted = {"id": f"{API}/paper/750", "type": f"{T}Paper", "deleted": True, **STAMPS}
    one(oparl_problems({**deleted, "name": "Withdrawn report"}, "Paper"), "Paper.name", "deleted", "2-08")
    one(oparl_problems({**deleted, "kcsp:marking": "OFFICIAL-SENSITIVE"}, "Paper"), "kcsp:marking", "deleted")
    one(oparl_problems({k: v for k, v in deleted.items() if k != "created"}, "Paper"), "Paper.created", "required")
    one(oparl_problems({**deleted, "deleted": "true"}, "Paper"), "Paper.deleted", "true or false")


def test_system_oparl_version_is_the_1_1_url():
    one(oparl_problems(with_("System", oparlVersion="https://schema.oparl.org/1.0/"), "System"), "System.oparlVersion")
    one(oparl_problems(with_("System", keyword=["x"]), "System"), "System.keyword", "unknown")


def test_time_order_rules():
    one(oparl_problems(with_("Meeting", end="2026-02-12T09:00:00+00:00"), "Meeting"), "Meeting.end", "before start")
    one(oparl_problems(with_("Membership", endDate="2020-01-01"), "Membership"), "Membership.endDate", "before")
    one(oparl_problems(with_("File", modified="2020-01-01T00:00:00Z"), "File"), "File.modified", "before created")


def test_agenda_items_are_numbered_from_zero_in_meeting_order():
    meeting = with_("Meeting")
    meeting["agendaItem"].reverse()
    problems = oparl_problems(meeting, "Meeting")
    assert len(problems) == 2 and all("not its position" in p for p in problems), problems


def test_geojson_is_a_complete_feature():
    for geojson in (
        {"type": "Point", "coordinates": [0.52, 51.27]},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.52, 51.27]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [51.27, 190.0]}, "properties": None},
        {"type": "Feature", "geometry": {"type": "Circle"}, "properties": None},
    ):
        one(oparl_problems(with_("Location", geojson=geojson), "Location"), "Location.geojson", "RFC 7946")


def test_person_location_object_comes_with_the_same_location():
    one(oparl_problems(with_("Person", location=...), "Person"), "Person.location", "locationObject")
    one(oparl_problems(with_("Person", gender="Female"), "Person"), "Person.gender", "lower case")
    one(oparl_problems(with_("Person", email=["not an address"]), "Person"), "Person.email[0]", "e-mail")


def test_strings_carry_characters_not_html_escapes():
    one(oparl_problems(with_("Paper", name="Bids &amp; grants"), "Paper"), "Paper.name", "HTML escaping")
    one(oparl_problems(with_("Paper", keyword=["&lt;b&gt;"]), "Paper"), "Paper.keyword[0]", "HTML escaping")
    assert oparl_problems(with_("Paper", name="Bids & grants <2026>"), "Paper") == []


def test_a_non_object_and_an_unknown_type_name():
    one(oparl_problems([], "Meeting"), "Meeting", "JSON object")
    with pytest.raises(ValueError, match="Error"):
        oparl_problems({}, "Error")


# --- list pages (2-05) -----------------------------------------------------------------------------------------


def page(number: int, pages: int = 3, per: int = 2, query: str = "", **changes) -> dict:
    """Page `number` of `pages` of a Meeting list, `per` a page; `changes` replace members (... removes)."""
    url = f"{API}/body/1/meeting?{query}{'&' if query else ''}page="
    omitted = {"agendaItem": ..., "auxiliaryFile": ...} if "omit_internal=true" in query else {}
    data = [with_("Meeting", id=f"{API}/meeting/{number}{i}", **omitted) for i in range(per)]
    links = {"first": f"{url}1", "self": f"{url}{number}", "last": f"{url}{pages}", "web": "https://kcsp.example.org/"}
    if number > 1:
        links["prev"] = f"{url}{number - 1}"
    if number < pages:
        links["next"] = f"{url}{number + 1}"
    result = {
        "data": data,
        "pagination": {
            "totalElements": per * pages,
            "elementsPerPage": per,
            "currentPage": number,
            "totalPages": pages,
        },
        "links": links,
    }
    for key, value in changes.items():
        if value is ...:
            del result[key]
        else:
            result[key] = value
    return result


@pytest.mark.parametrize("number", [1, 2, 3])
def test_conformant_list_pages_pass(number):
    assert list_problems(page(number), "Meeting") == []


def test_a_single_empty_page_and_a_page_without_pagination_numbers_pass():
    empty = {
        "data": [],
        "pagination": {"totalElements": 0, "totalPages": 0},
        "links": {"self": f"{API}/body/1/meeting"},
    }
    assert list_problems(empty, "Meeting") == []
    assert list_problems(page(3, pagination={}), "Meeting") == []


def test_a_middle_page_without_next_is_a_problem():
    middle = page(2)
    del middle["links"]["next"]
    one(list_problems(middle, "Meeting"), "page.links.next", "required")
    middle["pagination"] = {}  # self differs from last: still not the last page
    one(list_problems(middle, "Meeting"), "page.links.next", "required")


def test_next_on_the_last_page_and_prev_on_the_first_are_problems():
    last = page(3)
    last["links"]["next"] = f"{API}/body/1/meeting?page=4"
    one(list_problems(last, "Meeting"), "page.links.next", "last page")
    first = page(1)
    first["links"]["prev"] = f"{API}/body/1/meeting?page=0"
    one(list_problems(first, "Meeting"), "page.links.prev", "first page")


@pytest.mark.parametrize("key", ["data", "pagination", "links"])
def test_every_page_has_data_pagination_and_links(key):
    one(list_problems(page(1, **{key: ...}), "Meeting"), f"page.{key}", "every list page")


def test_each_object_in_data_is_checked_as_the_list_type():
    bad = page(2)
    bad["data"][1]["start"] = "2026-02-12T10:00:00"
    one(list_problems(bad, "Meeting"), "page.data[1].start", "date-time")
    wrong_type = list_problems(page(2), "Paper")
    assert f"page.data[0].type: must be {T}Paper, not '{T}Meeting' (3-01)" in wrong_type, wrong_type


def test_pagination_numbers_are_checked():
    one(list_problems(page(2, pagination={"currentPage": 0}), "Meeting"), "currentPage", ">= 1")
    one(list_problems(page(2, pagination={"totalElements": "6"}), "Meeting"), "totalElements", "integer")
    numbers = {"totalElements": 6, "elementsPerPage": 2, "currentPage": 2, "totalPages": 4}
    one(list_problems(page(2, pagination=numbers), "Meeting"), "totalPages", "cannot hold 6")
    numbers = {"totalElements": 6, "elementsPerPage": 2, "currentPage": 5, "totalPages": 3}
    assert any("page 5 of 3" in p for p in list_problems(page(2, pagination=numbers), "Meeting"))
    one(list_problems(page(2, pagination={"pageSize": 2}), "Meeting"), "page.pagination.pageSize", "unknown")


def test_a_page_holds_elements_per_page_objects_and_fewer_only_at_the_end():
    short = page(2)
    short["data"].pop()
    one(list_problems(short, "Meeting"), "page.data", "1 objects on a page of 2")
    last = page(3)
    last["data"].pop()
    last["pagination"]["totalElements"] = 5
    assert list_problems(last, "Meeting") == []


def test_links_are_absolute_urls_and_known_names():
    bad = page(2)
    bad["links"]["prev"] = "/body/1/meeting?page=1"
    bad["links"]["up"] = f"{API}/body/1"
    problems = list_problems(bad, "Meeting")
    assert sorted(p.split(":")[0] for p in problems) == ["page.links.prev", "page.links.up"], problems


def test_filters_are_kept_in_every_link():
    query = "modified_since=2026-01-01T00%3A00%3A00%2B00%3A00&omit_internal=true"
    assert list_problems(page(2, query=query), "Meeting") == []
    dropped = page(2, query=query)
    dropped["links"]["next"] = f"{API}/body/1/meeting?omit_internal=true&page=3"
    one(list_problems(dropped, "Meeting"), "page.links.next", "modified_since")


def test_omit_internal_leaves_the_internal_lists_out():
    query = "omit_internal=true"
    assert list_problems(page(1, query=query, per=1), "Meeting") == []
    with_lists = page(1, query=query, per=1)
    with_lists["data"][0]["agendaItem"] = CONFORMANT["Meeting"]["agendaItem"]
    one(list_problems(with_lists, "Meeting"), "page.data[0].agendaItem", "omit_internal")
    body = with_("Body", legislativeTerm=...)
    assert oparl_problems(body, "Body", omit_internal=True) == [], "legislativeTerm is no longer required"
    one(oparl_problems(body, "Body"), "Body.legislativeTerm", "required")
    one(oparl_problems(with_("Person"), "Person", omit_internal=True), "Person.membership", "omit_internal")


def test_deleted_objects_are_listed_only_with_modified_since():
    gone = {"id": f"{API}/meeting/99", "type": f"{T}Meeting", "deleted": True, **STAMPS}
    without = page(3)
    without["data"][1] = gone
    one(list_problems(without, "Meeting"), "page.data[1]", "modified_since")
    with_filter = page(3, query="modified_since=2026-01-01T00%3A00%3A00Z")
    with_filter["data"][1] = gone
    assert list_problems(with_filter, "Meeting") == []


# --- errors (2-09, RFC 9457) -----------------------------------------------------------------------------------

ERROR = {
    "type": "https://schema.oparl.org/1.1/Error",
    "message": "There is no meeting at this address.",
    "title": "Not found",
    "status": 404,
    "detail": "No meeting has the id 99999.",
}


def test_a_conformant_error_passes():
    assert error_problems(ERROR, 404) == []
    assert error_problems({**ERROR, "status": 400, "debug": "created_since: not a date-time"}, 400) == []


def test_error_status_must_equal_the_http_status_and_show_an_error():
    one(error_problems(ERROR, 400), "error.status", "differs")
    one(error_problems({**ERROR, "status": "404"}, 404), "error.status")
    problems = error_problems({**ERROR, "status": 200}, 200)
    assert len(problems) == 1 and "error status" in problems[0], problems


@pytest.mark.parametrize("key", ["message", "title", "detail", "status"])
def test_error_members_are_required(key):
    one(error_problems({k: v for k, v in ERROR.items() if k != key}, 404), f"error.{key}")


def test_error_type_and_unknown_members():
    one(error_problems({**ERROR, "type": "about:blank"}, 404), "error.type", "Error")
    one(error_problems({**ERROR, "trace": "Traceback ..."}, 404), "error.trace", "unknown")
    one(error_problems({**ERROR, "debug": None}, 404), "error.debug")
    assert error_problems({**ERROR, "kcsp:rule": "2-09"}, 404) == []
    assert len(error_problems("Not found", 404)) == 1
