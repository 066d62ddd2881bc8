"""A member's own notes and place in each pack: the reader's JSON (common.md's contract) and the "My notes" pages.

Every answer is `private, no-store`. Another person's note, or a pack the user may not open, is 404 whoever asks
(officers and administrators included), never 403. JSON POSTs carry the CSRF token in X-CSRFToken and a JSON
object as body; bad input is 400 {"errors": {field: [message naming the rule]}}, never a 500. The rules are
meetings/annotations.py's; a note on a DHR paper passes dhr.gate.dhr_gate.
"""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.generic import FormView, ListView

from dhr.gate import dhr_gate

from .. import access
from ..annotations import (
    annotation_create,
    annotation_delete,
    annotation_for,
    annotation_update,
    annotations_for_pack,
    note_json,
    notes_places,
    pack_parts,
    paper_fingerprints,
    reader_pack,
    reader_position,
    reader_position_save,
)
from ..models import Annotation
from ..note_forms import NoteForm
from ..reader_agenda import page_label
from .base import ConfirmActionView, FormPageMixin

MY_NOTES = reverse_lazy("meetings:my_notes")


def private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def answer(data: dict, status: int = 200) -> JsonResponse:
    return private(JsonResponse(data, status=status))


def refused(errors: dict, status: int = 400) -> JsonResponse:
    return answer({"errors": errors}, status)


def not_found() -> JsonResponse:
    return refused({"__all__": ["Not found"]}, 404)


def json_object(request) -> dict | None:
    """The request's body as a JSON object, or None when it is not one (empty, malformed, a list …)."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


NOT_JSON = {"__all__": ['Send a JSON object, for example {"page": 3}']}


def gate_note(request, note: Annotation) -> None:
    if note.paper.item.restriction_reason == access.DHR_REASON:
        dhr_gate(request, what=f"Own note on a DHR paper, {note.paper.item.meeting}")


class PackApiMixin(View):
    """The pack `pack_pk` if the user may open it in the reader (annotations.reader_pack), else a JSON 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return private(self.http_method_not_allowed(request, *args, **kwargs))
        self.pack = reader_pack(request.user, kwargs["pack_pk"])
        if self.pack is None:
            return not_found()
        if self.pack.kind == self.pack.Kind.DHR:
            dhr_gate(request, what=f"Own notes in the DHR pack of {self.pack.meeting}")
        return super().dispatch(request, *args, **kwargs)


class PackNotesApiView(PackApiMixin):
    """GET {"notes": [...], "position": {...}}; POST {"page", "quote", "prefix", "suffix", "note"} -> 201
    {"note": {...}} (shapes in common.md and annotations.note_json)."""

    http_method_names = ["get", "post"]

    def get(self, request, pack_pk):
        notes = annotations_for_pack(request.user, self.pack)
        return answer({"notes": notes, "position": reader_position(request.user, self.pack)})

    def post(self, request, pack_pk):
        body = json_object(request)
        if body is None:
            return refused(NOT_JSON)
        fields = {name: body.get(name, "") for name in ("quote", "prefix", "suffix", "note")}
        try:
            note = annotation_create(user=request.user, pack=self.pack, page=body.get("page"), **fields)
        except ValidationError as error:
            return refused(error.message_dict)
        shown = note_json(note, self.pack, pack_parts(self.pack), {note.paper_id: note.paper_fingerprint})
        return answer({"note": shown}, 201)


class PackPositionApiView(PackApiMixin):
    """POST {"page": physical 1-based page} -> {"position": {"page", "page_label"}}: where to offer to resume."""

    http_method_names = ["post"]

    def post(self, request, pack_pk):
        body = json_object(request)
        if body is None:
            return refused(NOT_JSON)
        try:
            reader_position_save(user=request.user, pack=self.pack, page=body.get("page"))
        except ValidationError as error:
            return refused(error.message_dict)
        return answer({"position": reader_position(request.user, self.pack)})


class NoteApiMixin(View):
    """The user's own note `pk` (annotations.annotation_for), else a JSON 404, whatever the body."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return private(self.http_method_not_allowed(request, *args, **kwargs))
        try:
            self.note = annotation_for(request.user, kwargs["pk"])
        except Annotation.DoesNotExist:
            return not_found()
        gate_note(request, self.note)
        return super().dispatch(request, *args, **kwargs)


class NoteApiView(NoteApiMixin):
    """POST {"note": text} -> {"note": {...}}, its page that of the pack holding the paper now (or null)."""

    def post(self, request, pk):
        body = json_object(request)
        if body is None:
            return refused(NOT_JSON)
        try:
            note = annotation_update(annotation=self.note, user=request.user, note=body.get("note", ""))
        except ValidationError as error:
            return refused(error.message_dict)
        pack, _page = notes_places(request.user, [note]).get(note.pk, (None, None))
        parts = pack_parts(pack) if pack is not None else {}
        return answer({"note": note_json(note, pack, parts, paper_fingerprints([note.paper_id]))})


class NoteDeleteApiView(NoteApiMixin):
    """POST (any body) -> {"deleted": id}."""

    def post(self, request, pk):
        deleted = self.note.pk
        annotation_delete(annotation=self.note, user=request.user)
        return answer({"deleted": deleted})


class MyNotesView(LoginRequiredMixin, ListView):
    """Every note of the user's own, across all packs, grouped by meeting (newest first) and paper, 25 a page."""

    template_name = "meetings/my_notes.html"
    paginate_by = 25

    def get_queryset(self):
        return (
            Annotation.objects.visible_to(self.request.user)
            .select_related("paper__item__meeting__committee", "appendix")
            .order_by("-paper__item__meeting__starts_at", "paper__item__meeting_id", "paper_id", "-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notes = list(context["object_list"])
        if any(note.paper.item.restriction_reason == access.DHR_REASON for note in notes):
            dhr_gate(self.request, what="Own notes on DHR papers")
        places = notes_places(self.request.user, notes)
        fingerprints = paper_fingerprints({note.paper_id for note in notes})
        for note in notes:
            note.changed = fingerprints.get(note.paper_id) != note.paper_fingerprint
            note.link = reader_link(note, *places.get(note.pk, (None, None)))
            note.place = note_place(note, *places.get(note.pk, (None, None)))
        return {**context, "notes": notes}

    def render_to_response(self, context, **kwargs):
        return private(super().render_to_response(context, **kwargs))


def note_place(note: Annotation, pack, page) -> str:
    """Where a note is, for people who share the printed pack: "Page 7 of the agenda pack (page 1 of the paper)",
    the pack's own page label in the pack holding the paper now (annotations.notes_places); "Appendix A, page 2
    of the appendix" alone when no pack holds it with its pages recorded."""
    if note.appendix_id:
        part = f"Appendix {note.appendix.letter}, page {note.page_offset + 1} of the appendix"
    else:
        part = f"page {note.page_offset + 1} of the paper"
    if pack is None:
        return part[:1].upper() + part[1:]
    return f"Page {page_label(pack, page)} of the {pack.get_kind_display().lower()} ({part})"


def reader_link(note: Annotation, pack, page) -> str:
    """Into the reader at the note's page of the pack holding its paper now; the paper's page when no pack holds it
    with its pages recorded."""
    if pack is None:
        return note.paper.get_absolute_url()
    reader = reverse("meetings:pack_reader", kwargs={"pk": pack.meeting_id, "kind": pack.kind})
    return f"{reader}#page={page}"


class OwnNoteMixin(LoginRequiredMixin, FormPageMixin):
    """The user's own note, still visible to them, else 404 (whoever asks); answered `private, no-store`."""

    def load(self, request, **kwargs):
        try:
            self.note = annotation_for(request.user, kwargs["pk"])
        except Annotation.DoesNotExist as missing:
            raise Http404 from missing
        gate_note(request, self.note)

    def get_caption(self):
        return f"{self.note.paper.subject}, {self.note.paper.item.meeting}"

    def get_back_url(self):
        return MY_NOTES

    def get_context_data(self, **kwargs):
        return super().get_context_data(note=self.note, **kwargs)

    def render_to_response(self, context, **kwargs):
        return private(super().render_to_response(context, **kwargs))


class NoteEditView(OwnNoteMixin, FormView):
    form_class = NoteForm
    heading = "Edit your note"
    template_name = "meetings/note_form.html"

    def get_initial(self):
        return {"note": self.note.note}

    def form_valid(self, form):
        try:
            annotation_update(annotation=self.note, user=self.request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("note", error.message_dict.get("note", error.messages))
            return self.form_invalid(form)
        messages.success(self.request, "Your note is saved.")
        return redirect(MY_NOTES)


class NoteRemoveView(OwnNoteMixin, ConfirmActionView):
    heading = "Delete this note?"
    submit_label = "Delete note"
    template_name = "meetings/note_form.html"
    success_message = "Your note is deleted."

    def get_context_data(self, **kwargs):
        explanation = "The highlight and your note are deleted for good: there is no copy to restore."
        return {**super().get_context_data(**kwargs), "explanation": explanation}

    def act(self):
        annotation_delete(annotation=self.note, user=self.request.user)

    def get_success_url(self):
        return MY_NOTES
