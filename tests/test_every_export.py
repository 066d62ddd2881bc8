"""Every export URL, found by what it answers (a CSV or an XLSX), fed hostile typed text and a late-evening time
in British Summer Time, read back with csv and openpyxl: no formula, no control character, local dates, no 500.
The 360Giving JSON beside its CSV is read back too (no control character, local dates).

Every typed-text field of every model (an editable CharField, TextField or list JSONField that is not a choice,
an identifier or an address) is overwritten with hostile text, and every time with 23:30 UTC, so a new export,
or a new column of an old one, is covered without being named here.
"""

import csv
import datetime
import io
import itertools
import json

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from openpyxl import load_workbook

from dhr.models import AccessLog
from grants.models import Bid, BidStep
from grants.tests.factories import BidFactory
from kcsp import roles
from kcsp.exports import CSV_TYPE, XLSX_TYPE
from meetings.freeze import frozen_writes_allowed

from .test_every_page import allowed_role, url_for
from .test_permission_matrix import (  # noqa: F401  (fixtures)
    KWARGS,
    ROUTES,
    clients,
    matrix_world,
    objects,
    users,
)

pytestmark = pytest.mark.django_db
PROJECT_APPS = ("kcsp", "meetings", "agreement", "grants", "dhr", "notifications", "api", "search")
LONG = "=" + "L" * 29_999  # 30,000 characters typed, starting like a formula
HOSTILE = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", "Line one\x0bLine two\x0cPage two\x07\x1b end", LONG]
# 23:30 UTC on 30 June 2023 is 00:30 on 1 July in London: a file in UTC would say 30 June.
LATE_EVENING_UTC = datetime.datetime(2023, 6, 30, 23, 30, tzinfo=datetime.UTC)
LOCAL_DAY, UTC_DAY = "2023-07-01", "2023-06-30"
FORMATS = ("csv", "xlsx")
NOT_TYPED = (models.EmailField, models.SlugField, models.URLField, models.GenericIPAddressField, models.FilePathField)
FORMULA_START = ("=", "+", "-", "@")
# Exports written from the code, holding no row's typed text (still read back for formulas and control characters).
NO_TYPED_TEXT = ("/system/data-map.csv",)  # the data map: kcsp/datamap.py declarations


def typed_text_fields(model) -> list:
    """Fields a person types free text into (not choices, identifiers, keys, addresses or passwords)."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable
        and not field.choices
        and not field.primary_key
        and not field.unique
        and not field.db_index
        and field.name != "password"
        and not isinstance(field, NOT_TYPED)
        and isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def make_everything_hostile(users) -> int:  # noqa: F811
    """Overwrite typed text and times in every row of every project model; add hostile access-log rows
    (the log is append-only). Returns the number of rows changed."""
    hostile = itertools.cycle(HOSTILE)
    changed = 0
    with frozen_writes_allowed():  # signed minutes too: the export must guard whatever the rows hold
        changed += _overwrite_rows(hostile)
    for text in HOSTILE:
        AccessLog.objects.create(
            at=LATE_EVENING_UTC, user=users[roles.DHR_CLEARED], action="view", what=text[:300], path="/" + text[:400]
        )
    return changed


def _overwrite_rows(hostile) -> int:
    changed = 0
    for model in (m for label in PROJECT_APPS for m in apps.get_app_config(label).get_models()):
        if model is AccessLog:
            continue
        texts = typed_text_fields(model)
        times = [f for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
        for row, pk in enumerate(model._default_manager.order_by("pk").values_list("pk", flat=True)):
            values = {}
            for field in texts:
                text = LONG if isinstance(field, models.TextField) and row % 2 == 0 else next(hostile)
                if isinstance(field, models.JSONField):
                    if field.default is list:  # a list of typed lines (actions, measures)
                        values[field.name] = [text, next(hostile)]
                    continue
                values[field.name] = text[: field.max_length] if field.max_length else text
            values.update({field.name: LATE_EVENING_UTC for field in times})
            try:
                with transaction.atomic():
                    changed += model._default_manager.filter(pk=pk).update(**values)
            except IntegrityError:  # a constraint between fields (an end after a start): keep the text at least
                try:
                    with transaction.atomic():
                        changed += model._default_manager.filter(pk=pk).update(
                            **{k: v for k, v in values.items() if v is not LATE_EVENING_UTC}
                        )
                except IntegrityError:  # a key made of typed text (search's kind and row): the row stays as it is
                    continue
    return changed


def export_urls(objects, clients) -> dict[str, tuple[str, str]]:  # noqa: F811
    """Every GET route that answers a CSV or XLSX file as a role allowed to open it, each format it offers."""
    found = {}
    for name, route in sorted(ROUTES.items()):
        if route.method != "get" or name.startswith("admin:"):
            continue
        params = KWARGS[route.kwargs](objects) if route.kwargs else {}
        tries = [url_for(name, route, objects)]
        if isinstance(params, dict) and "fmt" in params:
            tries = [url_for(name, route, objects).replace(f".{params['fmt']}", f".{fmt}") for fmt in FORMATS]
        role = allowed_role(route)
        for url in tries:
            response = clients[role].get(url)
            kind = response.get("Content-Type", "")
            if response.status_code == 200 and kind in (CSV_TYPE, XLSX_TYPE):
                found[url] = (role, "csv" if kind == CSV_TYPE else "xlsx")
    return found


def cells(data: bytes, fmt: str) -> list[tuple[object, str]]:
    """(value, openpyxl data type or "s" for CSV) for every cell of the file."""
    if fmt == "csv":
        return [(value, "s") for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for value in row]
    workbook = load_workbook(io.BytesIO(data))
    return [(cell.value, cell.data_type) for sheet in workbook for row in sheet.iter_rows() for cell in row]


def problems_in(value, data_type: str, fmt: str) -> list[str]:
    found = []
    if data_type == "f":
        found.append("a formula cell")
    if isinstance(value, datetime.datetime | datetime.date) and value.isoformat().startswith(UTC_DAY):
        found.append(f"a date in UTC: {value}")
    if not isinstance(value, str):
        return found
    if value.startswith(("\t", "\r")) or value.lstrip(" \t\r\n").startswith(FORMULA_START):
        found.append(f"unguarded formula text {value[:20]!r}")
    if any((ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F for c in value):
        found.append(f"a control character in {value[:30]!r}")
    if UTC_DAY in value:
        found.append(f"a date in UTC: {value[:40]!r}")
    if fmt == "xlsx" and len(value.encode("utf-16-le")) // 2 > 32_767:
        found.append("a cell over 32,767 characters")
    return found


def funded_bid(objects, users) -> None:  # noqa: F811
    """A bid the Commissioner approved, so the published 360Giving file has a row and an award date."""
    bid = BidFactory(
        grant_year=objects["grant_year"], status=Bid.Status.COMMISSIONER_APPROVED, created_by=users[roles.MEMBER]
    )
    BidStep.objects.create(
        bid=bid, from_status=Bid.Status.APPROVED, to_status=bid.status, by=users[roles.OFFICER], at=LATE_EVENING_UTC
    )


def json_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in json_strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in json_strings(item)]
    return [value] if isinstance(value, str) else []


def giving_json_problems(clients) -> list[str]:  # noqa: F811
    """The 360Giving JSON beside the CSV, read by programs: typed text as typed (JSON has no formulas to guard),
    control characters made safe, local dates (the award date and last-modified time of the late-evening bid)."""
    Bid.objects.update(description=HOSTILE[6])  # Word's breaks and other control characters, whatever the cycle gave
    url = reverse("grants:giving_json")
    response = clients[allowed_role(ROUTES["grants:giving_json"])].get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    package = json.loads(response.content)
    texts = json_strings(package)
    found = [
        f"{url}: {problem}" for text in texts for problem in problems_in(text, "s", "json") if "formula" not in problem
    ]
    if not any(text in HOSTILE[:4] for text in texts):
        found.append(f"{url}: no hostile typed text reached the file as typed, so the test proves nothing")
    if "Line one\nLine two\nPage two end" not in texts:
        found.append(f"{url}: the description's control characters were not made safe as in the CSV")
    for field in ("awardDate", "dateModified"):
        if not any(str(grant.get(field, "")).startswith(LOCAL_DAY) for grant in package["grants"]):
            found.append(f"{url}: no grant's {field} shows the local date {LOCAL_DAY}")
    return found


def test_every_export_guards_typed_text_drops_control_characters_and_shows_local_dates(objects, clients, users, capsys):  # noqa: F811
    funded_bid(objects, users)
    exports = export_urls(objects, clients)
    assert make_everything_hostile(users) > 100
    failures, read = [], {}
    for url, (role, fmt) in sorted(exports.items()):
        response = clients[role].get(url)  # a server error raises here
        assert response.status_code == 200, f"{url}: {response.status_code}"
        read[url] = values = cells(response.content, fmt)
        failures += [f"{url}: {problem}" for value, kind in values for problem in problems_in(value, kind, fmt)]
        texts = [v for v, _ in values if isinstance(v, str)]
        guarded = any(t.startswith("'") and t[1:].lstrip(" \t\r\n").startswith(FORMULA_START) for t in texts)
        if url not in NO_TYPED_TEXT and not guarded:
            failures.append(f"{url}: no hostile typed text reached the file, so the test proves nothing")
    assert not failures, "\n".join(failures[:40])
    found = {url.rsplit("/", 1)[-1] for url in exports}
    assert {"export.csv", "export.xlsx", "bids.csv", "bids.xlsx", "360giving.csv", "access-log.csv"} <= found, found
    texts = {url: [v for v, _ in values if isinstance(v, str)] for url, values in read.items()}
    by_name = {url.rsplit("/", 1)[-1]: url for url in exports}
    assert any("Line one\nLine two\nPage two end" in t for t in texts[by_name["export.xlsx"]]), "Word's breaks"
    for fmt in FORMATS:
        assert any(t == "'" + LONG for url in texts if url.endswith(fmt) for t in texts[url]), f"30,000 in {fmt}"
    for name in ("access-log.csv", "360giving.csv"):
        assert any(t.startswith(LOCAL_DAY) for t in texts[by_name[name]]), f"{name} shows the local date"
    marking = "OFFICIAL-SENSITIVE - Not for onward distribution without the partnership's agreement"
    assert texts[by_name["access-log.csv"]][0] == marking, "the DHR log is marked, with the handling line, first"
    failures += giving_json_problems(clients)
    assert not failures, "\n".join(failures[:40])
    with capsys.disabled():
        print(f"\nevery export: {len(exports)} files read back, {sum(map(len, read.values()))} cells checked")
