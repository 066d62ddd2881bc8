"""Word fields replaced by the result Word last showed, so a converter recomputes nothing and fetches nothing.

PAGE stays live (its stored result is one page's number, and would repeat on every page) and so do
hyperlinks, form boxes, equations and symbols, which show nothing that changes or comes from elsewhere.
"""

from dataclasses import dataclass, field

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LIVE_FIELDS = {"PAGE", "HYPERLINK", "FORMCHECKBOX", "FORMDROPDOWN", "EQ", "SYMBOL"}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def field_name(instruction: str) -> str:
    return (instruction.split() or [""])[0].upper()


@dataclass
class Field:
    nested: bool  # inside another field's instructions: goes with that field
    instruction: str = ""
    markers: list = field(default_factory=list)  # begin, separate, end
    code: list = field(default_factory=list)  # everything between begin and separate
    has_result: bool = False
    closed: bool = False

    @property
    def name(self) -> str:
        return field_name(self.instruction)


def _complex_fields(root) -> list[Field]:
    fields, stack = [], []
    for run in list(root.iter(w("r"))):
        for element in [child for child in run if child.tag != w("rPr")]:
            owner = next((f for f in stack if not f.has_result), None)  # the outermost field still in its code
            kind = element.get(w("fldCharType")) if element.tag == w("fldChar") else None
            if kind == "begin":
                stack.append(Field(nested=owner is not None))
                fields.append(stack[-1])
                (owner.code if owner else stack[-1].markers).append(element)
            elif kind in ("separate", "end") and stack:
                current = stack[-1] if kind == "separate" else stack.pop()
                (owner.code if owner and owner is not current else current.markers).append(element)
                current.has_result = current.has_result or kind == "separate"
                current.closed = kind == "end"
            else:
                if element.tag in (w("instrText"), w("delInstrText")) and stack:
                    stack[-1].instruction += element.text or ""
                if owner:
                    owner.code.append(element)
    return fields


def freeze_fields(root) -> int:
    """Replace each recomputing field by its stored result (nothing, where Word stored none, as Word shows it).

    The field codes go too, so the converter cannot fetch what they name (INCLUDEPICTURE, INCLUDETEXT).
    """
    frozen = 0
    for simple in list(root.iter(w("fldSimple"))):
        if field_name(simple.get(w("instr")) or "") in LIVE_FIELDS:
            continue
        parent, index = simple.getparent(), simple.getparent().index(simple)
        for child in [c for c in simple if c.tag != w("fldData")]:
            parent.insert(index, child)
            index += 1
        parent.remove(simple)
        frozen += 1
    for found in _complex_fields(root):
        if found.nested or not found.closed or found.name in LIVE_FIELDS:
            continue
        for element in found.markers + found.code:
            if element.getparent() is not None:
                element.getparent().remove(element)
        frozen += 1
    for run in list(root.iter(w("r"))):
        if all(child.tag == w("rPr") for child in run):
            run.getparent().remove(run)
    return frozen
