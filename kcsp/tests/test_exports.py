"""The one exporter, cell by cell: formula guard and its exact undoing, control characters, local dates, long text,
numbers that stay numbers, and the protective marking, read back with csv and openpyxl."""

import csv
import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kcsp.exports import XLSX_CELL_LIMIT, Sheet, formula_guard, table_csv, table_read, table_xlsx, unguard
from kcsp.text import text_safe

# 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time): the page shows 1 July.
LATE_EVENING_UTC = datetime.datetime(2023, 6, 30, 23, 30, tzinfo=datetime.UTC)
HEADERS = ["Text", "Number", "When", "Day"]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_typed_text_that_a_spreadsheet_would_run_gets_an_apostrophe_and_numbers_stay_numbers():
    rows = [
        ["=1+2", Decimal("-5.00"), None, None],
        ["+SUM(A1)", -3, None, None],
        ["-2+3", 2.5, None, None],
        ["@cmd", 0, None, None],
        ["\t=1", None, None, None],
        ["\r=1", None, None, None],
        ["\n  =1", None, None, None],
        ["\uff1d1+2", None, None, None],  # a full-width equals sign, which Excel also reads as a formula
        ["A plain sentence - with a dash", None, None, None],
    ]
    text = csv_rows(table_csv(HEADERS, rows))
    guarded = ["'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd", "'\t=1", "'\n=1", "'\n  =1", "'\uff1d1+2"]
    assert [row[0] for row in text[1:]] == [*guarded, "A plain sentence - with a dash"]
    assert [row[1] for row in text[1:5]] == ["-5.00", "-3", "2.5", "0"], "numbers are written as numbers, unguarded"
    sheet = xlsx_sheet(table_xlsx(Sheet("Cells", HEADERS, rows)))
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["A2"].value == "'=1+2" and sheet["A2"].data_type == "s"
    assert [sheet.cell(n, 2).value for n in range(2, 6)] == [-5, -3, 2.5, 0]
    assert sheet["B2"].data_type == "n"


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("=+-@'\t\r\n x1\uff1d"), max_size=8))
def test_unguard_gives_back_exactly_what_the_guard_was_given(text):
    guarded = formula_guard(text)
    assert unguard(guarded) == text
    assert not guarded.lstrip(" \t\r\n").startswith(("=", "+", "-", "@", "\uff1d")) and not guarded.startswith("\t")


def test_word_line_and_page_breaks_become_newlines_and_other_control_characters_go():
    assert text_safe("one\x0btwo\x0cthree\x07\x1b\x00four\x7f\x9f\u2028five\tsix\r\nseven") == (
        "one\ntwo\nthree" + "four\nfive\tsix\r\nseven"
    )
    typed = "Line one\x0bLine two\x0cPage two\x01"
    assert csv_rows(table_csv(HEADERS, [[typed, 1, None, None]]))[1][0] == "Line one\nLine two\nPage two"
    sheet = xlsx_sheet(table_xlsx(Sheet("Cells", HEADERS, [[typed, 1, None, None]])))  # openpyxl refused \x0b
    assert sheet["A2"].value == "Line one\nLine two\nPage two"


def test_times_are_local_and_dates_are_dates():
    rows = [["x", 1, LATE_EVENING_UTC, datetime.date(2023, 7, 1)]]
    assert csv_rows(table_csv(HEADERS, rows))[1][2:] == ["2023-07-01 00:30:00+01:00", "2023-07-01"]
    sheet = xlsx_sheet(table_xlsx(Sheet("Cells", HEADERS, rows)))
    assert sheet["C2"].value == datetime.datetime(2023, 7, 1, 0, 30) and sheet["C2"].is_date
    assert sheet["D2"].value.date() == datetime.date(2023, 7, 1) and sheet["D2"].is_date


def test_long_text_fits_an_xlsx_cell_and_is_cut_visibly_only_when_over_the_limit():
    fits, over, astral = "x" * 30_000, "y" * 40_000, "\U0001f600" * 20_000
    rows = [[fits, 1, None, None], [over, 2, None, None], [astral, 3, None, None]]
    sheet = xlsx_sheet(table_xlsx(Sheet("Cells", HEADERS, rows)))
    assert sheet["A2"].value == fits
    assert len(sheet["A3"].value) <= XLSX_CELL_LIMIT and "the full text is 40,000 characters" in sheet["A3"].value
    assert len(sheet["A4"].value.encode("utf-16-le")) // 2 <= XLSX_CELL_LIMIT, "Excel counts UTF-16 units"
    assert csv_rows(table_csv(HEADERS, [[over, 1, None, None]]))[1][0] == over, "a CSV keeps the whole text"


HANDLED = "OFFICIAL-SENSITIVE - Not for onward distribution without the partnership's agreement"


def test_a_marking_heads_the_csv_and_every_sheet_with_its_handling_line_and_the_reader_skips_it(settings):
    marked = table_csv(HEADERS, [["=1", 1, None, None]], marking="OFFICIAL-SENSITIVE")
    assert csv_rows(marked)[:2] == [[HANDLED], HEADERS]
    workbook = load_workbook(io.BytesIO(table_xlsx(Sheet("Log: all/any", HEADERS, []), marking="OFFICIAL-SENSITIVE")))
    sheet = workbook.active
    assert sheet.title == "OFFICIAL-SENSITIVE Log- all-any" and sheet["A1"].value == HANDLED
    assert sheet["A2"].value == "Text" and sheet.freeze_panes == "A3"
    assert HANDLED in sheet.oddHeader.center.text and HANDLED in sheet.oddFooter.center.text
    settings.HANDLING_LINE = "Partners only"
    assert csv_rows(table_csv(HEADERS, [], marking="OFFICIAL-SENSITIVE"))[0] == ["OFFICIAL-SENSITIVE - Partners only"]
    assert table_read(SimpleUploadedFile("log.csv", marked)) == [HEADERS, ["=1", "1", "", ""]]
