"""The low-level half of the PDF/UA structure checker (kcsp/pdfstructure.py): number trees and page content.

Two readers that know nothing of structure elements: `number_tree_problems` checks the shape of a number tree
(ISO 32000-1 7.9.7) and `scan_content` reads one content stream for its marked content (14.6) and for content
that is neither tagged nor an artifact (14.8.2.2, PDF/UA-1 7.1).
"""

from dataclasses import dataclass, field

import pikepdf

# ISO 32000-1 Table 107 (path painting, "n" paints nothing), 109 (text showing), 87 (Do), 77 (sh); BI is an
# inline image, which pikepdf returns as a ContentStreamInlineImage.
PAINTING = frozenset({"Tj", "TJ", "'", '"', "Do", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"})
_OPERATORS = " ".join(sorted(PAINTING | {"BMC", "BDC", "EMC", "BI", "ID", "EI"}))
_MAX_DEPTH = 64


def number_tree_problems(node: pikepdf.Object, name: str) -> tuple[list[int], list[str]]:
    """The keys of the number tree rooted at `node`, in tree order, and its shape's problems as sentences.

    Shape (ISO 32000-1 7.9.7, Table 37): a node has /Nums (a leaf: key, value pairs, keys integers) or /Kids;
    keys ascend strictly over the whole tree (so no duplicates); every node below the root has /Limits
    [least, greatest] equal to the keys under it. `name` names the tree in the sentences ("ParentTree")."""
    keys: list[int] = []
    problems: list[str] = []

    def walk(item: pikepdf.Object, depth: int, is_root: bool) -> tuple[int, int] | None:
        if not isinstance(item, pikepdf.Dictionary) or depth > _MAX_DEPTH:
            problems.append(f"{name}: a node of the number tree is not a dictionary (ISO 32000-1 7.9.7).")
            return None
        start = len(keys)
        if "/Nums" in item:
            nums = item.Nums
            if not isinstance(nums, pikepdf.Array) or len(nums) % 2:
                problems.append(f"{name}: a /Nums array is not a list of key, value pairs (ISO 32000-1 7.9.7).")
            else:
                for key in list(nums)[::2]:
                    if not isinstance(key, int):
                        problems.append(f"{name}: the /Nums key {key!r} is not an integer (ISO 32000-1 7.9.7).")
                    else:
                        keys.append(int(key))
        elif isinstance(item.get("/Kids"), pikepdf.Array):
            for kid in item.Kids:
                walk(kid, depth + 1, False)
        else:
            problems.append(f"{name}: a node has neither /Nums nor /Kids (ISO 32000-1 7.9.7).")
        span = (min(keys[start:]), max(keys[start:])) if len(keys) > start else None
        if not is_root and span is not None:
            limits = item.get("/Limits")
            if not isinstance(limits, pikepdf.Array) or [int(x) for x in limits] != list(span):
                shown = [int(x) for x in limits] if isinstance(limits, pikepdf.Array) else "none"
                problems.append(
                    f"{name}: a node holding keys {span[0]} to {span[1]} has /Limits {shown} "
                    f"(ISO 32000-1 7.9.7: /Limits are the least and greatest keys below the node)."
                )
        return span

    walk(node, 0, True)
    for before, after in zip(keys, keys[1:], strict=False):
        if after <= before:
            what = "twice" if after == before else f"after {before}"
            problems.append(
                f"{name}: key {after} comes {what}; keys must ascend with no duplicates (ISO 32000-1 7.9.7)."
            )
    return keys, problems


@dataclass
class Marked:
    """What one content stream marks: its MCIDs in order, and whether anything is painted untagged."""

    mcids: list[int] = field(default_factory=list)
    untagged: bool = False


def scan_content(source: pikepdf.Object, properties: pikepdf.Object | None) -> Marked:
    """Read one page (or form XObject) `source`'s content for marked content.

    MCIDs come from BDC operators whose property list (inline, or a name in the `properties` resource
    dictionary) has /MCID. Content is untagged when a painting operator (`PAINTING`, or an inline image) sits in
    no marked-content sequence that has an MCID and in no /Artifact sequence (PDF/UA-1 7.1, ISO 32000-1
    14.8.2.2). Raises pikepdf.PdfError for a stream qpdf cannot parse."""
    found = Marked()
    stack: list[bool] = []  # per open sequence: does it (or one around it) tag or artifact its content?
    for instruction in pikepdf.parse_content_stream(source, _OPERATORS):
        inline_image = isinstance(instruction, pikepdf.ContentStreamInlineImage)
        operator = "BI" if inline_image else str(instruction.operator)
        if operator == "BDC" or operator == "BMC":
            operands = instruction.operands
            tag = str(operands[0]) if operands else ""
            props = operands[1] if operator == "BDC" and len(operands) > 1 else None
            if isinstance(props, pikepdf.Name) and isinstance(properties, pikepdf.Dictionary):
                props = properties.get(props)
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            if isinstance(mcid, int):
                found.mcids.append(int(mcid))
            covered = tag == "/Artifact" or isinstance(mcid, int) or (bool(stack) and stack[-1])
            stack.append(covered)
        elif operator == "EMC":
            if stack:
                stack.pop()
        elif (operator in PAINTING or operator == "BI") and not (stack and stack[-1]):
            found.untagged = True
    return found
