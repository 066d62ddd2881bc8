"""Text people typed, made safe to open in a spreadsheet: a cell starting with = + - @ (or a tab or
carriage return) would be read as a formula by Excel or LibreOffice, so it gets a leading apostrophe."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row_safe(row) -> list:
    return [cell_safe(value) for value in row]
