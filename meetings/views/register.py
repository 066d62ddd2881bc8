"""The attendance register of a meeting (one form for everyone) and adding a person who is not listed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import CreateView, FormView

from kcsp.locking import VERSION_FIELD
from kcsp.models import Person

from .. import selectors
from ..quorum import meeting_quorum
from ..record import attendance_blocks
from ..register import (
    RegisterRefused,
    StaleRegister,
    attendance_register_save,
    register_entries,
    register_person_add,
    register_version,
)
from ..register_forms import PersonForm, RegisterForm
from .base import OfficerMixin
from .minutes import MeetingChildMixin


def posted_state(form, person_id: int) -> dict | None:
    """A listed person's row as posted, in the shape of meetings.register states (ids as text); None if the
    page that posted did not list them."""
    prefix = f"p{person_id}-"
    if prefix + "mark" not in form.data:
        return None
    get = form.data.get
    return {
        "kind": get(prefix + "mark", ""),
        "capacity": get(prefix + "capacity", ""),
        "substitute_for_id": get(prefix + "substitute_for", ""),
        "name_as_recorded": get(prefix + "name", "").strip(),
        "role_text": get(prefix + "role", "").strip(),
        "organisation_id": get(prefix + "organisation", ""),
    }


def shown_state(state: dict | None, person: Person) -> dict | None:
    """A saved state as the register form shows it (blank name shown as the person's)."""
    if state is None:
        return None
    shown = {k: "" if v is None else str(v) for k, v in state.items()}
    shown["name_as_recorded"] = shown["name_as_recorded"] or person.display_name
    return shown


FORM_PARTS = {
    "kind": "mark",
    "capacity": "capacity",
    "substitute_for_id": "substitute_for",
    "name_as_recorded": "name",
    "role_text": "role",
    "organisation_id": "organisation",
}


class AttendanceRegisterView(OfficerMixin, MeetingChildMixin, FormView):
    """GET shows the register; POST saves it whole through meetings.register.attendance_register_save."""

    form_class = RegisterForm
    heading = "Attendance register"
    template_name = "meetings/attendance.html"

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        added = request.GET.get("add", "")
        self.added = Person.objects.filter(pk=int(added)).first() if added.isdigit() and len(added) < 12 else None
        self.entries = register_entries(self.meeting, extra=(self.added,) if self.added else ())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting, "entries": self.entries, "added": self.added}

    def get_initial(self):
        return {VERSION_FIELD: register_version(self.meeting)}

    def get_context_data(self, **kwargs):
        signed = self.meeting.minutes_signed_at is not None
        return super().get_context_data(
            meeting=self.meeting,
            quorum=meeting_quorum(self.meeting),
            item_quorums=selectors.item_quorum_rows(self.meeting, self.request.user),
            signed=signed,
            printed=attendance_blocks(self.meeting) if signed else [],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            counts = attendance_register_save(
                meeting=self.meeting,
                rows=form.register_rows,
                user=self.request.user,
                version=form.cleaned_data.get(VERSION_FIELD) or "",
            )
        except StaleRegister as stale:
            return self.stale_response(form, stale)
        except RegisterRefused as refused:
            for problem in refused.problems:
                form.add_error(form.field_name(problem.person_id, problem.field), problem.message)
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if counts["added"] or counts["changed"]:
            messages.success(
                self.request, f"Attendance register saved: {counts['added']} added, {counts['changed']} changed."
            )
        else:
            messages.info(self.request, "Nothing on the register had changed: nothing was saved.")
        return redirect("meetings:attendance", pk=self.meeting.pk)

    def stale_response(self, form, stale: StaleRegister):
        """Refused: the rule, what changed, what was typed kept; rows this clerk left alone (or did not have on
        their page) now show the saved row; a row both changed keeps what was typed and says so."""
        form.add_error(None, stale.message)
        form.data = form.data.copy()
        people = {entry.person.pk: entry for entry in self.entries}
        for pk, entry in people.items():
            current = shown_state({k: getattr(entry.row, k) for k in FORM_PARTS} if entry.row else None, entry.person)
            posted = posted_state(form, pk)
            opened = shown_state(stale.opened.get(pk), entry.person) if stale.opened is not None else None
            if posted == current:
                continue
            untouched = posted == opened or (opened is None and posted is not None and not posted["kind"])
            if posted is None or (stale.opened is not None and untouched):
                for key, part in FORM_PARTS.items():
                    form.data[f"p{pk}-{part}"] = current[key] if current else ""
                stale.refreshed.append(entry.person.display_name)
            elif stale.opened is not None and opened != current:
                form.add_error(
                    f"p{pk}-mark",
                    f"You and {stale.by or 'someone else'} both changed {entry.person.display_name}: check before "
                    "saving",
                )
        form.data[VERSION_FIELD] = stale.version
        return self.render_to_response(self.get_context_data(form=form, stale=stale))


class PersonCreateView(OfficerMixin, MeetingChildMixin, CreateView):
    """A person who is not listed (an officer in attendance, a guest), added from the register and put on it."""

    form_class = PersonForm
    heading = "Add a person who is not listed"
    explanation = (
        "They are added to the partnership's directory and to this meeting's register, where you say how they "
        "attended and save the register. Their name prints as title, initials, surname and letters after the name, "
        "for example Mr A Smith OBE."
    )

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.explanation, **kwargs)

    def get_back_url(self):
        return reverse("meetings:attendance", args=[self.meeting.pk])

    def form_valid(self, form):
        try:
            person = register_person_add(meeting=self.meeting, person=form.instance, user=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{person.display_name} added: say how they attended, then save the register.")
        return redirect(f"{self.get_back_url()}?add={person.pk}#person-{person.pk}")
