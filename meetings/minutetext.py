# TEMPORARY local placeholder until the parser helper's module lands (not committed).
import re
from dataclasses import dataclass

LABEL_STYLES = (("(a)", "(a)"), ("a)", "a)"), ("(i)", "(i)"))


@dataclass(frozen=True)
class Style:
    wording: str = "RESOLVED that"
    label_style: str = "(a)"


def part_label(index, label_style):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(97 + rest) + letters
    return f"({letters})" if label_style != "a)" else f"{letters})"


def minute_blocks(text, style):
    blocks = []
    n = 0
    for para in [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]:
        para = re.sub(r"^\d+[.)]\s*", "", para)
        if para.upper().startswith("RESOLVED"):
            lines = para.split("\n")
            first = re.sub(r"^RESOLVED( that)?\s*", "", lines[0], flags=re.I)
            parts = [
                {"label": part_label(i, style.label_style), "paragraphs": [re.sub(r"^\(?[a-z]+\)\s*", "", line)]}
                for i, line in enumerate(lines[1:])
            ]
            blocks.append(
                {
                    "kind": "decision",
                    "number": None,
                    "wording": style.wording,
                    "paragraphs": [first] if first else [],
                    "parts": parts,
                }
            )
        else:
            n += 1
            blocks.append({"kind": "paragraph", "number": n, "paragraphs": [para]})
    return blocks
