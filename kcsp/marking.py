"""Protective markings: "OFFICIAL-SENSITIVE" and the handling line, wherever restricted or DHR material leaves.

The rule (issue 20, "Protective markings everywhere"): every page, PDF, file download, e-mail and export that
carries restricted or Domestic Homicide Review material shows settings.PROTECTIVE_MARKING with
settings.HANDLING_LINE (default "Not for onward distribution without the partnership's agreement"; the
HANDLING_LINE environment variable overrides it). It is applied at choke points, never view by view:

- Pages: loading a row of restricted or DHR material marks the request, as the DHR gate (dhr/gate.py) does for
  its access log, from the same model hooks: every `DhrContent` model calls `restricted_loaded` from `from_db`
  (an agenda item with a restriction reason; a paper, appendix, section, minute, action, amendment,
  declaration, erratum or note hanging from one, resolved in one query per model when the page is answered;
  every row of the dhr app), and the restricted packs, signed restricted/DHR minutes, restricted forward-plan
  entries and download records call `restricted_noted`. `ProtectiveMarkingMiddleware` then puts the banner
  (templates/includes/protective_marking.html) at the top and the bottom of a marked HTML page: in the
  placeholders of templates/base.html (`TOP`, `BOTTOM`), or after `<body>` and before `</body>` of a page
  that has none (the admin site). Only signed-in users' pages are marked (the public never loads restricted
  rows to show them) and only answers below 400; the published-reviews list (dhr.gate.dhr_public) is public.
  A fragment served from the cache (kcsp/fragments.py) replays the marks made when it was built.
- PDFs: `marking_line()` is the first line of the top and bottom stamps (meetings/packbuild, kcsp.downloads);
  signed minutes print the marking and handling line frozen in their content (meetings/record.py).
- Exports: kcsp.exports writes `marking_line(marking)` as the marking row of a CSV and XLSX.
- E-mails: notifications.services.notice_send starts a mail of a marked kind (notifications.kinds.MARKED, or a
  notice whose context says `restricted`) with the marking and the handling line, and prefixes its subject.
"""

import contextvars
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings

_current = contextvars.ContextVar("protective_marking_request", default=None)
TOP = b"<!-- protective-marking:top -->"
BOTTOM = b"<!-- protective-marking:bottom -->"
BANNER_TEMPLATE = "includes/protective_marking.html"
BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.I)
BODY_CLOSE = b"</body>"
KEEP_NOTES = 10  # what was seen, kept for tests and debugging: the first few are enough


def protective_marking() -> str:
    """ "OFFICIAL-SENSITIVE" (settings.PROTECTIVE_MARKING)."""
    return settings.PROTECTIVE_MARKING


def handling_line() -> str:
    """The handling line shown with the marking (settings.HANDLING_LINE; "" shows the marking alone)."""
    return (getattr(settings, "HANDLING_LINE", "") or "").strip()


def marking_line(marking: str | None = None) -> str:
    """ "OFFICIAL-SENSITIVE - Not for onward distribution without the partnership's agreement": one line for a
    PDF stamp, a spreadsheet's marking row or a printed header. `marking` defaults to the setting; an empty
    marking gives "" (public material carries none)."""
    marking = protective_marking() if marking is None else marking
    if not marking:
        return ""
    handling = handling_line()
    return f"{marking} - {handling}" if handling else marking


@dataclass
class Marking:
    """What restricted or DHR material one request loaded (collected by the model hooks, read once at the end)."""

    request: object
    notes: list = field(default_factory=list)  # restricted material seen, first KEEP_NOTES
    dhr_rows: list = field(default_factory=list)  # rows of the dhr app (public on the published-reviews list)
    pending: dict = field(default_factory=dict)  # model -> pks of rows that may hang from a restricted item

    @cached_property
    def allowed(self) -> bool:
        """Only signed-in users' answers are marked: asked once, on first touch."""
        return bool(getattr(getattr(self.request, "user", None), "is_authenticated", False))

    def note(self, what: str) -> None:
        if len(self.notes) < KEEP_NOTES:
            self.notes.append(str(what))

    def resolve(self) -> None:
        """One query per model: do the loaded papers, minutes … hang from a restricted item? (only if unknown)"""
        from meetings.access import restricted_q

        if not self.notes:
            for model, pks in self.pending.items():
                path = f"{model.dhr_item_path}__"
                if model._base_manager.filter(restricted_q(path), pk__in=pks).exists():
                    self.note(f"{model._meta.verbose_name} of a restricted item")
                    break
        self.pending.clear()

    def marked(self) -> bool:
        """Whether the answer carries restricted or DHR material (resolves what is pending)."""
        if self.pending:
            self.resolve()
        access = getattr(self.request, "_dhr_access", None)
        public = bool(access is not None and access.public)
        return bool(self.notes) or (bool(self.dhr_rows) and not public)

    def merge(self, other: "Marking") -> None:
        for what in other.notes:
            self.note(what)
        self.dhr_rows.extend(other.dhr_rows[:KEEP_NOTES])


def _state() -> Marking | None:
    request = _current.get()
    state = getattr(request, "_protective_marking", None) if request is not None else None
    return state if state is not None and state.allowed else None


def restricted_loaded(instance) -> None:
    """Called from `from_db` of every DHR-capable model (dhr.gate.DhrContent): notes restricted or DHR rows.

    Reads only the row's own loaded values (never queries per row): `dhr_item_path` None is a row of the dhr
    app, "" an agenda item (restricted when it has a restriction reason), otherwise the path to the agenda item
    the row hangs from, checked once per model when the answer is marked (`Marking.resolve`)."""
    state = _state()
    if state is None:
        return
    item_path = getattr(instance, "dhr_item_path", None)
    if item_path is None:
        if len(state.dhr_rows) < KEEP_NOTES:
            state.dhr_rows.append(f"{instance._meta.verbose_name} {instance.pk}")
    elif item_path == "":
        if instance.__dict__.get("restriction_reason"):
            state.note(f"Restricted item {instance.__dict__.get('title', instance.pk)}")
    elif not state.notes:
        state.pending.setdefault(type(instance), set()).add(instance.pk)


def restricted_noted(what: str) -> None:
    """For rows that are restricted material by a value of their own (a restricted pack, signed restricted or DHR
    minutes, a restricted forward-plan entry, a download record): mark the request."""
    state = _state()
    if state is not None:
        state.note(what)


def request_marked(request) -> bool:
    """Whether this request has loaded restricted or DHR material so far (False outside the middleware)."""
    state = getattr(request, "_protective_marking", None)
    return bool(state is not None and state.allowed and state.marked())


@dataclass(frozen=True)
class Marked:
    """A cached fragment with the marks its building made (kcsp/fragments.py replays them on a cache hit)."""

    value: object
    notes: tuple = ()


def marks_of(make):
    """`make()` and the restricted material it loaded: (value, notes), the notes also kept on the request."""
    request = _current.get()
    state = getattr(request, "_protective_marking", None) if request is not None else None
    if state is None or not state.allowed:
        return make(), ()
    child = Marking(request)
    child.__dict__["allowed"] = True
    request._protective_marking = child
    try:
        value = make()
    finally:
        request._protective_marking = state
    child.resolve()
    state.merge(child)
    notes = tuple(child.notes) + ((f"DHR: {child.dhr_rows[0]}",) if child.dhr_rows else ())
    return value, notes


def marks_replay(notes) -> None:
    """Mark the request with the notes of a fragment served from the cache."""
    for what in notes:
        restricted_noted(what)


def banner(position: str) -> bytes:
    from django.template.loader import render_to_string

    context = {"marking": protective_marking(), "handling": handling_line(), "position": position}
    return render_to_string(BANNER_TEMPLATE, context).strip().encode()


def banner_put(content: bytes, marked: bool) -> bytes:
    """`content` (an HTML page) with the banners in its placeholders (or inside <body>) when `marked`, else
    with its placeholders removed."""
    if not marked:
        return content.replace(TOP, b"").replace(BOTTOM, b"")
    top, bottom = banner("top"), banner("bottom")
    if TOP in content:
        content = content.replace(TOP, top, 1)
    elif match := BODY_OPEN.search(content):
        content = content[: match.end()] + top + content[match.end() :]
    else:
        content = top + content
    if BOTTOM in content:
        return content.replace(BOTTOM, bottom, 1)
    at = content.rfind(BODY_CLOSE)
    return content[:at] + bottom + content[at:] if at >= 0 else content + bottom


class ProtectiveMarkingMiddleware:
    """Collects the request's restricted loads (see module docs) and puts the marking banner on a marked page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._protective_marking = Marking(request)
        token = _current.set(request)
        try:
            response = self.get_response(request)
            self.mark(request, response)
            return response
        finally:
            _current.reset(token)

    @staticmethod
    def mark(request, response) -> None:
        if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
            return
        content = response.content
        marked = response.status_code < 400 and request_marked(request)
        response.protective_marking = marked
        if not marked and TOP not in content and BOTTOM not in content:
            return
        response.content = banner_put(content, marked)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
