"""An agenda item's resolution as its minute records it, as plain text for OParl AgendaItem.resolutionText.

A minute's printed blocks (meetings/minutetext.py minute_blocks, stored in Minute.blocks) hold its decisions:
{"kind": "decision", "wording": "RESOLVED that", "paragraphs": [...], "parts": [{"label": "(a)", "paragraphs":
[...]}]}. The text joins each decision's wording, paragraphs and lettered parts, one per line.
"""


def decision_lines(block: dict) -> list[str]:
    lines = []
    paragraphs = block.get("paragraphs") or []
    lead = " ".join(paragraphs[:1])
    lines.append(f"{block.get('wording', 'RESOLVED that')} {lead}".strip())
    lines.extend(paragraphs[1:])
    for part in block.get("parts") or []:
        lines.append(f"{part.get('label', '')} {' '.join(part.get('paragraphs') or [])}".strip())
    return lines


def resolution_text(minutes) -> str | None:
    """The decisions of `minutes` (Minute rows the reader may see), or None when none records one."""
    lines = []
    for minute in minutes:
        for block in minute.blocks or []:
            if block.get("kind") == "decision":
                lines.extend(decision_lines(block))
    return "\n".join(lines) or None
