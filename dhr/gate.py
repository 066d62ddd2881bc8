"""The one gate of DHR content: refuses the uncleared with 404 and writes one access-log row per request.

Two ways in, one way out:
- `dhr_gate(request, ...)` is the explicit gate: every DHR page, the DHR pack and files of DHR items call it.
  It answers 404 unless the user may see DHR material (`kcsp.roles.may_see_dhr`) and marks the request,
  optionally with what was seen, the case and the action (download, export, create …).
- Loading DHR rows marks the request too, so a view that forgets the gate still leaves a trace: models whose
  rows are DHR content (every model of the dhr app, an agenda item whose restriction reason is "dhr", and the
  papers, appendices, sections, minutes, actions and declarations hanging from one) call `dhr_loaded` from
  `from_db`. Loading never refuses (a non-cleared officer's renumbering of section D loads DHR rows it never
  shows); it records only for users who may see DHR material.
- `dhr_continuation(request)` says a request only continues an opening already logged (a later byte range of a
  reader's kept copy of a DHR file, kcsp.downloads.file_send): it still passed the gate, and writes no row.
- `DhrAccessLogMiddleware` writes exactly one AccessLog row for a request that was marked and answered
  2xx/3xx: action from the mark, else download for a file, view for GET, change for a POST that redirected
  (saved), view for a POST that showed its form again. If the row cannot be written the answer is an error,
  never the content.
"""

import contextvars
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from kcsp.marking import restricted_loaded, restricted_noted
from kcsp.roles import may_see_dhr
from meetings.access import DHR_REASON  # the one rule of what a DHR item is: restriction_reason "dhr"

_current = contextvars.ContextVar("dhr_request", default=None)


@dataclass
class DhrAccess:
    """What one request touched: collected by the gate and the model hooks, written once by the middleware."""

    request: object
    headline: str = ""  # what the gate was told; the details below are the safety net when it was not
    whats: list = field(default_factory=list)
    cases: dict = field(default_factory=dict)  # pk -> None, in the order seen (labels read once, when written)
    case_id: int | None = None  # the case the gate was told of, if any
    action: str | None = None
    public: bool = False
    continued: bool = False  # a later range of a DHR file whose opening was logged (dhr_continuation)
    pending: dict = field(default_factory=dict)  # model -> set of pks that may hang from a DHR item

    @cached_property
    def allowed(self) -> bool:
        """Asked once, on first touch, so ordinary requests never ask about roles."""
        return may_see_dhr(self.request.user)

    @property
    def touched(self) -> bool:
        return bool(self.headline or self.whats or self.cases) and not (self.public or self.continued)

    def note(self, what: str = "", case=None) -> None:
        if what and what not in self.whats:
            self.whats.append(str(what))
        if case is not None:
            self.cases.setdefault(case.pk, None)


def _access(request) -> DhrAccess:
    access = getattr(request, "_dhr_access", None)
    if access is None:
        raise ImproperlyConfigured("dhr.gate.DhrAccessLogMiddleware must be in MIDDLEWARE: DHR content is logged there")
    return access


def dhr_gate(request, *, what: str = "", case=None, action: str | None = None) -> None:
    """Refuse (Http404) unless the user may see DHR material; otherwise mark the request for the access log.

    `what`: the page, file or record concerned (≤ 300 characters kept); `case`: the Case concerned, if one;
    `action`: an AccessLog.Action value when the method alone does not say it (download, export, create).
    Call it again later in the same request to add detail: one row is written all the same.
    """
    if not may_see_dhr(request.user):
        raise Http404
    access = _access(request)
    access.headline = str(what) or access.headline or "DHR content"
    restricted_noted(access.headline)  # a DHR page or file is marked OFFICIAL-SENSITIVE (kcsp/marking.py)
    if case is not None:
        access.case_id = case.pk
        access.note("", case)
    if action:
        access.action = action


def dhr_public(request) -> None:
    """This answer is public by design (the published-reviews list): loading listed cases is not an access."""
    access = getattr(request, "_dhr_access", None)
    if access is not None:
        access.public = True


def dhr_continuation(request) -> None:
    """This request only continues an opening already logged: no row for it (the gate has still been passed).

    The one case: kcsp.downloads.file_send answering a range request for a later part of a reader's kept copy of
    a DHR file (the in-page reader fetches a pack in many ranges). The request that served the copy's first byte,
    or made the copy, wrote the row; each later range is the same opening of the same copy, to the same person.
    Call it only after `dhr_gate` has accepted the request."""
    _access(request).continued = True


def dhr_loaded(instance) -> None:
    """Called by `from_db` of every model whose rows can be DHR content; records for cleared users only."""
    request = _current.get()
    if request is None:
        return
    access = getattr(request, "_dhr_access", None)
    if access is None or not access.allowed:
        return
    # Only the row's own loaded values are read here: anything else would query again, once per row.
    item_path = getattr(instance, "dhr_item_path", None)
    if item_path is None:
        case_id = instance.pk if _is_case(instance) else instance.__dict__.get("case_id")
        access.note("" if _is_case(instance) else str(instance._meta.verbose_name).capitalize())
        if case_id is not None:
            access.cases.setdefault(case_id, None)
    elif item_path == "":
        values = instance.__dict__
        if values.get("restriction_reason") == DHR_REASON:
            access.note(f"Agenda item {values.get('title', instance.pk)}")
    else:
        access.pending.setdefault(type(instance), set()).add(instance.pk)


def dhr_record_loaded(what: str) -> None:
    """For rows that are DHR content by a value of their own (a signed record of DHR minutes): mark the request."""
    restricted_noted(what)
    request = _current.get()
    access = getattr(request, "_dhr_access", None) if request is not None else None
    if access is not None and access.allowed:
        access.note(what)


def _is_case(instance) -> bool:
    return instance._meta.label == "dhr.Case"


def _resolve_pending(access: DhrAccess) -> None:
    """One query per model: which of the loaded papers, minutes … hang from a DHR item."""
    for model, pks in access.pending.items():
        path = model.dhr_item_path
        rows = model._base_manager.filter(pk__in=pks, **{f"{path}__restriction_reason": DHR_REASON})
        for title in rows.values_list(f"{path}__title", flat=True).distinct()[:10]:
            access.note(f"{model._meta.verbose_name} of DHR item {title}")
    access.pending.clear()


def _action(access: DhrAccess, request, response) -> str:
    from .models import AccessLog

    if access.action:
        return access.action
    if response.has_header("Content-Disposition"):
        return AccessLog.Action.DOWNLOAD
    if request.method in ("GET", "HEAD"):
        return AccessLog.Action.VIEW
    return AccessLog.Action.CHANGE if 300 <= response.status_code < 400 else AccessLog.Action.VIEW


def _what(access: DhrAccess, request) -> str:
    from .models import Case

    whats = [access.headline] if access.headline else list(access.whats)
    rows = Case.objects.filter(pk__in=access.cases).values_list("pk", "pseudonym", "year")
    labels = {pk: f"{pseudonym}/{year}" for pk, pseudonym, year in rows}
    names = [labels[pk] for pk in access.cases if pk in labels]
    if len(names) > 1 and access.action != "list":  # a list page says what it was; its rows are not cases seen
        whats.append(f"{len(names)} cases: {', '.join(names)}")
    elif names and not whats:
        whats.append(f"Case {names[0]}")
    match = getattr(request, "resolver_match", None)
    return "; ".join(whats) or (match.view_name if match else request.path)


def access_row_write(request, response) -> None:
    """Write the request's one access-log row, if it touched DHR content and was answered."""
    from .models import Case
    from .services import access_record

    access = getattr(request, "_dhr_access", None)
    if access is None or not (access.headline or access.whats or access.cases or access.pending):
        return
    if not access.allowed or not 200 <= response.status_code < 400:
        return
    _resolve_pending(access)
    if not access.touched:
        return
    case_id = access.case_id or (next(iter(access.cases)) if len(access.cases) == 1 else None)
    case = Case.objects.filter(pk=case_id).first() if case_id else None
    access_record(request=request, action=_action(access, request, response), what=_what(access, request), case=case)


class DhrAccessLogMiddleware:
    """Gives each request its DhrAccess and writes its one access-log row after the view (see module docs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._dhr_access = DhrAccess(request)
        token = _current.set(request)
        try:
            response = self.get_response(request)
            access_row_write(request, response)
            return response
        finally:
            _current.reset(token)


class DhrContent:
    """Mixin for models whose rows can be DHR content: loading one from the database marks the request.

    `dhr_item_path`: None when every row is DHR content (the dhr app's models); "" for the agenda item itself
    (DHR when its restriction reason is "dhr"); otherwise the path to the agenda item a row hangs from.
    """

    dhr_item_path: str | None = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        dhr_loaded(instance)
        restricted_loaded(instance)  # the same rows mark the page OFFICIAL-SENSITIVE (kcsp/marking.py)
        return instance
