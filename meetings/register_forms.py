"""The attendance register form: one row per person listed, and rows to add people also present or in attendance.

Field names: "p<person id>-<part>" for a listed person, "new<n>-<part>" for an added row; parts are mark, capacity,
substitute_for, name, role, organisation (and person, on an added row). The template draws each row from
`RegisterForm.table()`, every control labelled with the person's name.
"""

from dataclasses import replace

from django import forms

from kcsp.forms import GdsFormMixin
from kcsp.locking import VERSION_FIELD
from kcsp.models import Organisation, Person

from .models import Attendance, Meeting
from .register import MAX_TEXT, Entry, RegisterRow

Kind, Capacity = Attendance.Kind, Attendance.Capacity
NOT_RECORDED = ("", "Not recorded")
MEMBER_MARKS = [
    (Kind.PRESENT, "Present"),
    (Kind.SUBSTITUTE, "Present as substitute"),
    (Kind.APOLOGIES, "Apologies"),
    (Kind.ABSENT, "Absent"),
]
OTHER_MARKS = [(Kind.ALSO_PRESENT, "Also present"), (Kind.IN_ATTENDANCE, "In attendance")]
ADDED_MARKS = OTHER_MARKS
CAPACITIES = [("", "None"), *[(value, label) for value, label in Capacity.choices if value]]
PARTS = {
    "kind": "mark",
    "capacity": "capacity",
    "substitute_for_id": "substitute_for",
    "substitute_for": "substitute_for",
    "name_as_recorded": "name",
    "role_text": "role",
    "organisation": "organisation",
    "person": "person",
}
ADD_ROWS = 3


def _text(label: str, who: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        error_messages={"max_length": f"The {label.lower()} of {who} must be {MAX_TEXT} characters or fewer"},
    )


class RegisterForm(GdsFormMixin, forms.Form):
    submit_label = "Save the register"

    def __init__(self, *args, meeting: Meeting, entries: list[Entry], added: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting, self.entries, self.register_rows = meeting, entries, []
        listed = {e.person.pk for e in entries}
        members = [e for e in entries if e.membership is not None and e.membership.kind == "member"]
        sub_choices = [("", "Not a substitute"), *[(str(e.person.pk), e.person.display_name) for e in members]]
        organisations = Organisation.objects.all()
        for entry in entries:
            person, row, who = entry.person, entry.row, entry.person.display_name
            marks = MEMBER_MARKS if entry.is_member else [*OTHER_MARKS, (Kind.PRESENT, "Present")]
            if row is not None and row.kind not in dict(marks):
                marks = [*marks, (row.kind, row.get_kind_display())]
            choices = [*marks, *([] if row is not None else [NOT_RECORDED])]
            subs = sub_choices
            if row is not None and row.substitute_for_id and str(row.substitute_for_id) not in dict(subs):
                subs = [*subs, (str(row.substitute_for_id), row.substitute_for_name or str(row.substitute_for))]
            prefix = f"p{person.pk}-"
            self.fields[prefix + "mark"] = forms.ChoiceField(
                label=f"Attendance of {who}",
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Choose how {who} attended: one of the choices given"},
            )
            self.fields[prefix + "substitute_for"] = forms.ChoiceField(
                label="Substitute for",
                choices=subs,
                required=False,
                error_messages={"invalid_choice": f"Choose the member {who} substituted for: one of those listed"},
            )
            self.fields[prefix + "capacity"] = forms.ChoiceField(
                label="Capacity",
                choices=CAPACITIES,
                required=False,
                error_messages={"invalid_choice": f"Choose {who}’s capacity: one of those listed"},
            )
            self.fields[prefix + "name"] = _text("Name as recorded", who)
            self.fields[prefix + "role"] = _text("Role", who)
            self.fields[prefix + "organisation"] = forms.ModelChoiceField(
                label="Organisation",
                queryset=organisations,
                required=False,
                empty_label="None",
                error_messages={"invalid_choice": f"Choose the organisation {who} represented: one of those listed"},
            )
            organisation = (row.organisation if row else None) or (
                entry.membership.organisation if entry.membership else person.organisation
            )
            self.initial.update(
                {
                    prefix + "mark": row.kind if row else "",
                    prefix + "substitute_for": str(row.substitute_for_id or "") if row else "",
                    prefix + "capacity": row.capacity if row else "",
                    prefix + "name": (row.name_as_recorded if row else "") or person.display_name,
                    prefix + "role": row.role_text if row else "",
                    prefix + "organisation": organisation.pk if organisation else None,
                }
            )
            if added is not None and person.pk == added.pk and row is None:
                self.initial.update({prefix + "mark": Kind.IN_ATTENDANCE, prefix + "role": person.job_title})
        people = Person.objects.exclude(pk__in=listed)
        for n in range(1, ADD_ROWS + 1):
            prefix, what = f"new{n}-", f"added person {n}"
            self.fields[prefix + "person"] = forms.ModelChoiceField(
                label=f"Person {n}",
                queryset=people,
                required=False,
                empty_label="Choose a person",
                error_messages={"invalid_choice": f"Choose {what} from the list (someone not already listed)"},
            )
            self.fields[prefix + "mark"] = forms.ChoiceField(
                label=f"How person {n} attended",
                choices=ADDED_MARKS,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Select how {what} attended: Also present or In attendance"},
            )
            self.fields[prefix + "role"] = _text("Role", what)
            self.fields[prefix + "name"] = _text("Name as recorded", what)
            self.initial[prefix + "mark"] = Kind.IN_ATTENDANCE
        self.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)

    def field_name(self, person_id: int | None, part: str) -> str | None:
        """The form field holding `part` (a Problem's field) of a person's row, or None."""
        part = PARTS.get(part, part)
        for name in (f"p{person_id}-{part}", f"p{person_id}-mark"):
            if name in self.fields:
                return name
        for n in range(1, ADD_ROWS + 1):
            chosen = self.cleaned_data.get(f"new{n}-person") if hasattr(self, "cleaned_data") else None
            if chosen is not None and chosen.pk == person_id:
                return f"new{n}-{part}" if f"new{n}-{part}" in self.fields else f"new{n}-person"
        return None

    def clean(self):
        data = super().clean()
        rows = []
        subs = {}
        for entry in self.entries:
            prefix = f"p{entry.person.pk}-"
            chosen = data.get(prefix + "substitute_for") or ""
            if chosen:
                subs[entry.person.pk] = chosen
            rows.append(
                RegisterRow(
                    person=entry.person,
                    kind=data.get(prefix + "mark") or "",
                    capacity=data.get(prefix + "capacity") or "",
                    name_as_recorded=data.get(prefix + "name") or "",
                    role_text=data.get(prefix + "role") or "",
                    organisation=data.get(prefix + "organisation"),
                )
            )
        people = Person.objects.in_bulk([int(pk) for pk in subs.values()])
        rows = [
            replace(row, substitute_for=people.get(int(subs[row.person.pk]))) if row.person.pk in subs else row
            for row in rows
        ]
        for n in range(1, ADD_ROWS + 1):
            prefix = f"new{n}-"
            person = data.get(prefix + "person")
            typed = (data.get(prefix + "role") or "") + (data.get(prefix + "name") or "")
            if person is None:
                if typed and not self.has_error(prefix + "person"):
                    self.add_error(prefix + "person", f"Choose added person {n}, or clear their role and name")
                continue
            kind = data.get(prefix + "mark") or ""
            if not kind and not self.has_error(prefix + "mark"):
                self.add_error(prefix + "mark", f"Select how {person.display_name} attended")
                continue
            rows.append(
                RegisterRow(
                    person=person,
                    kind=kind,
                    name_as_recorded=data.get(prefix + "name") or "",
                    role_text=data.get(prefix + "role") or "",
                )
            )
        self.register_rows = rows
        return data

    def error_anchor_for(self, bound) -> str:
        """The register draws its own controls (control() below): each one's first input has the field's own id."""
        return bound.auto_id

    def control(self, name: str) -> dict:
        """What the template needs to draw one control: ids, name, label, value, options, errors."""
        bound = self[name]
        value = bound.value()
        value = "" if value is None else str(value)
        options = []
        choices = getattr(bound.field, "choices", None)
        if choices is not None:
            for index, (option, label) in enumerate(choices):
                option = str(getattr(option, "value", option) if option is not None else "")
                options.append(
                    {
                        "value": option,
                        "label": label,
                        "selected": option == value,
                        "id": bound.auto_id if index == 0 else f"{bound.auto_id}-{index}",
                    }
                )
        return {
            "name": bound.html_name,
            "id": bound.auto_id,
            "label": bound.label,
            "value": value,
            "options": options,
            "errors": bound.errors,
        }

    def table(self) -> list[dict]:
        """The listed rows, each with the person, their entry and the controls of each part."""
        rows = []
        for entry in self.entries:
            prefix = f"p{entry.person.pk}-"
            parts = ("mark", "substitute_for", "capacity", "name", "role", "organisation")
            rows.append({"entry": entry, **{part: self.control(prefix + part) for part in parts}})
        return rows

    def added_rows(self) -> list[dict]:
        return [
            {
                "who": f"added person {n}",
                **{part: self.control(f"new{n}-{part}") for part in ("person", "mark", "role", "name")},
            }
            for n in range(1, ADD_ROWS + 1)
        ]


class PersonForm(GdsFormMixin, forms.ModelForm):
    """A person added from the register: named as the papers name them."""

    submit_label = "Add to the register"

    class Meta:
        model = Person
        fields = ["title", "initials", "forenames", "surname", "post_nominals", "job_title", "organisation", "email"]
        labels = {"post_nominals": "Letters after the name", "job_title": "Job title (printed as their role)"}
        help_texts = {"forenames": "Used where a paper names its author in full."}
        error_messages = {
            "surname": {"required": "Enter the person's surname"},
            "email": {"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
        }
