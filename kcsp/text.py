"""The one rule for control characters in typed text: applied on the way in (forms, imports) and out (exports)."""

import re

# Word writes a manual line break (Shift+Enter) as a vertical tab and a page break as a form feed; NEL and the
# Unicode line and paragraph separators are line breaks too. Each becomes a newline.
BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
# Every other control character (C0, DEL, C1) except tab, newline and carriage return, and what XML 1.0 cannot
# hold at all (lone surrogates, U+FFFE, U+FFFF): nobody types them on purpose, and openpyxl and lxml refuse them.
CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def text_safe(value: str) -> str:
    """`value` with line and page breaks as newlines and other control characters removed; tab, newline and
    carriage return are kept. Example: "one\\x0btwo\\x07" -> "one\\ntwo"."""
    return CONTROLS.sub("", BREAKS.sub("\n", value))
