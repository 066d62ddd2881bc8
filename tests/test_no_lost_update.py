"""No lost update anywhere: every edit page, found by walking the URL resolver, refuses the second of two saves.

The permission matrix already fails on a URL missing from its table; this walks that table. Each GET page whose
form is about a record that already exists must carry the record's version (kcsp/locking.py); a form page that
is not such an edit must be declared below with the reason. Each edit page is then driven by two signed-in
people, as a browser would submit its form: both open it, the first saves a change and is sent on, the second
saves their own change and is refused (200, never a 500) with the rule in the error summary and what changed;
their typed value stays in the form, and the record keeps the first change.
"""

from html.parser import HTMLParser

import pytest
from django import forms
from django.test import Client

from kcsp import roles
from kcsp.home_lists import LISTS as HOME_LISTS
from kcsp.locking import VERSION_FIELD
from tests.test_permission_matrix import ROUTES, _url, matrix_world, objects, sign_in, users  # noqa: F401 (fixtures)

# Whose two sessions drive a page: the first of these roles the page is open to.
DRIVERS = (roles.OFFICER, roles.DHR_CLEARED, roles.CHAIR, roles.MEMBER, roles.ADMIN, roles.DPO)

# Form pages that are not an edit of a record two people may edit. A page whose form is bound to a saved
# record can never be declared here: it must carry the lock. Pages adding a new record need no entry.
# The records issue 13 §7 names (papers, DHR cases, meetings, committees, bids, actions, memberships …) and the
# two locks that came before: a page silently skipped by the walk (no form, a refusal) fails here instead.
MUST_DRIVE = {
    "meetings:meeting_edit",
    "meetings:item_edit",
    "meetings:paper_edit",
    "meetings:section_edit",
    "meetings:minute_edit",
    "meetings:attendance",  # the register: one version over all the meeting's attendance rows (meetings/register.py)
    "meetings:action_edit",
    "meetings:committee_edit",
    "meetings:membership_edit",
    "meetings:office_edit",
    "organisation_edit",
    "person_edit",
    "meetings:committee_section_edit",
    "meetings:standard_item_edit",
    "meetings:item_public_title",
    "agreement:item_edit",
    "agreement:agreement_edit",
    "agreement:priority_edit",
    "agreement:theme_edit",
    "agreement:plan_edit",
    "agreement:indicator_edit",
    "agreement:indicator_grid",  # the value grid: one version over the indicators and values it shows
    "grants:year_edit",
    "grants:bid_edit",
    "grants:bid_minute",
    "dhr:case_edit",
    "dhr:publication",
}
NOT_AN_EDIT = {
    "login": "signing in",
    "admin:password_change": "a person's own password",
    "password_change": "a person's own password",
    "password_reset": "asking for a reset e-mail",
    "password_reset_confirm": "a reset link's new password",
    "two_factor_setup": "a person's own authenticator",
    "two_factor_verify": "entering a one-time code",
    "two_factor_backup_codes": "replaces the person's own backup codes (shown once)",
    "notifications:preferences": "a person's own e-mail choices, which only they change",
    "meetings:note_edit": "a person's own private note, which only they can read or change",
    "meetings:note_remove": "removes the person's own note (a second removal finds nothing)",
    "search:search": "a search box (a GET form)",
    "meetings:pack_pages": "chooses pages of a pack to print (a GET form): it changes nothing",
    "meetings:action_log": "the action log's filters (a GET form)",
    "agreement:version_detail": "the action plan's filters (a GET form); its edits have their own locked pages",
    **{waiting.url_name: "a waiting list's filters (a GET form)" for waiting in HOME_LISTS},
    "tokens:api_token_create": "issues a new token",
    "tokens:calendar_create": "issues a new calendar address",
    "tokens:calendar_revoke": "a one-way step on the person's own calendar address",
    "tokens:api_token_revoke": "a one-way step on the person's own token",
    "system_status": "queues a render check",
    "subject_access:make": "makes a new subject-access package; edits no record",
    "meetings:agenda_agree": "a one-way step the service refuses twice; the page carries the fingerprint of the "
    "agenda it showed, and a change since is refused (chair_agreement.agenda_seen_check)",
    "meetings:agenda_send_to_chair": "a one-way step the service refuses twice (the table has no with-the-chair to "
    "with-the-chair)",
    "meetings:agenda_return": "a one-way step the service refuses twice",
    "meetings:agenda_take_back": "a one-way step the service refuses twice",
    "meetings:meeting_publish": "a one-way step the service refuses twice",
    "meetings:meeting_held": "a one-way step the service refuses twice",
    "meetings:meeting_record_held": "a one-way step the service refuses twice",
    "meetings:meeting_postpone": "a one-way step the service refuses twice (the table has no postponed to postponed)",
    "meetings:meeting_cancel": "a one-way step the service refuses twice",
    "meetings:meeting_reschedule": "a step under the meeting's lock that names the new date and records the old",
    "meetings:meeting_replace": "creates a new meeting; the service refuses a second replacement",
    "meetings:apologies": "adds the person's apologies",
    "meetings:minutes_approve": "a one-way step the service refuses twice",
    "meetings:minutes_start": "sets the first number; the service renumbers under the committee's lock",
    "meetings:minutes_circulate": "a step that may be repeated: each circulation e-mails those who attended",
    "meetings:amendment_propose": "adds a proposed amendment (a row of its own), never edits one",
    "meetings:amendment_decide": "a one-way step: the service refuses a second decision on the same proposal",
    "meetings:minute_move": "swaps two minutes under the committee's lock (a confirm page, no record form)",
    "meetings:minute_delete": "removes the minute (a second removal finds nothing)",
    "meetings:pack_withdraw": "a one-way step (a withdrawal row); a withdrawn pack is restored only by a rebuild",
    "meetings:item_delete": "removes the item (a second removal finds nothing)",
    "meetings:attendance_delete": "removes the row (a second removal finds nothing)",
    "meetings:appendix_create": "adds an appendix",
    "meetings:committee_section_delete": "removes the section (refused while it holds items; a second finds nothing)",
    "meetings:standard_item_delete": "removes the standard item (a second removal finds nothing)",
    "agreement:new_draft": "a one-way step the service refuses twice",
    "agreement:version_publish": "a one-way step the service refuses twice",
    "agreement:item_retire": "a one-way step; a retirement meanwhile refuses the item's edit form (lock_also)",
    "agreement:plan_import": "reads a file into a new draft, confirmed on its own page",
    "agreement:agreement_publish": "a one-way step the service refuses twice",
    "agreement:agreement_copy": "a one-way step: the service refuses a second copy for the same year",
    "agreement:priority_remove": "removes the priority (a second removal finds nothing)",
    "agreement:theme_remove": "removes the theme (a second removal finds nothing)",
    "agreement:plan_create": "creates the plan; the service refuses a second one",
    "agreement:indicator_import": "reads a file; its confirmation is refused if the values changed since the preview",
    "agreement:indicator_retire": "a one-way step the service refuses twice; a retirement refuses the edit form",
    "agreement:indicator_unretire": "a one-way step the service refuses twice",
    "grants:tactical_lock": "a one-way step the service refuses twice",
    "grants:tactical_unlock": "a one-way step the service refuses twice",
    "grants:year_close": "a one-way step the service refuses twice",
    "grants:attachment_create": "adds an attachment",
    "grants:bid_step": "a workflow step: the service refuses a step from the wrong status",
    "grants:queue": "the chair's queue: each decision is a workflow step",
    "grants:queue_decide": "a workflow step: the service refuses a step from the wrong status",
    "dhr:extension_create": "adds an extension; the service refuses a date not after the one now due",
    "meetings:forward_plan": "the forward plan's status filter (a GET form)",
    "meetings:forward_plan_withdraw": "a one-way step the service refuses twice",
    "meetings:forward_plan_move": "moves the entry to one meeting or month (the whole of what it says, kept in its "
    "history); the service refuses an entry no longer waiting",
    "meetings:forward_plan_accept": "a one-way step: the service refuses an entry already on an agenda",
    "meetings:forward_plan_put_off": "moves the entry on from this meeting (a confirm page, no record form)",
    "governance:hold_place": "places a new legal hold (a second on the same record is refused)",
    "governance:hold_lift": "a one-way step the service refuses twice",
    "governance:candidate_keep": "a one-way step the service refuses twice (a kept record is no longer waiting)",
    "governance:disposal_list_make": "makes a new disposal list; records already on one are not listed again",
    "organisation_retire": "a one-way step the service refuses twice (reactivating is its own page)",
    "organisation_reactivate": "a one-way step the service refuses twice (retiring is its own page)",
    "meetings:office_end": "ends a term: the service refuses it if the term's end date changed since the page was "
    "opened (the page carries the end date it showed)",
}


class PostForms(HTMLParser):
    """The POST forms of a page, each as the (name, value) pairs a browser would submit (files left out)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms, self._form, self._textarea, self._select = [], None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = []
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a or kind in ("submit", "button", "file", "image"):
                return
            self._form.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["selected"].append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["selected"] or ([] if self._select["multiple"] else self._select["options"][:1])
            self._form.extend((self._select["name"], value) for value in chosen)
            self._select = None


def locked_form_data(html: str) -> dict[str, list[str]]:
    """The page's form that carries a record version, as multi-valued POST data."""
    for pairs in PostForms(html).forms:
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        if VERSION_FIELD in data:
            return data
    raise AssertionError("no form on the page carries the record's version")


def change_for(form: forms.Form, data: dict) -> tuple[str, list[str], list[str]]:
    """(field, first person's values, second person's values): free text if the form has it, else a number,
    a choice, a set of ticks or a tick box, each changed away from what the page showed."""
    fields = [
        (n, f) for n, f in form.fields.items() if n != VERSION_FIELD and not f.disabled and not f.widget.is_hidden
    ]
    for widget in (forms.Textarea, forms.TextInput):
        for name, field in fields:
            if type(field) is forms.CharField and isinstance(field.widget, widget) and name in data:
                old = data[name][0].strip()
                return name, [f"{old} (first edit)".strip()], [f"{old} (second edit)".strip()]
    for name, field in fields:
        if isinstance(field, forms.IntegerField | forms.DecimalField) and name in data:
            old = float(data[name][0] or 0)
            return name, [f"{old + 1:g}"], [f"{old + 2:g}"]
    for name, field in fields:
        if not isinstance(field, forms.ChoiceField):
            continue
        now, values = set(data.get(name, [])), [str(value) for value, _ in field.choices if str(value)]
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) and values:
            return name, sorted(now ^ {values[0]}), sorted(now ^ {values[-1]})
        others = [value for value in values if value not in now]
        if others:
            return name, others[:1], others[-1:]
    for name, field in fields:
        if isinstance(field, forms.BooleanField):
            toggled = [] if data.get(name) else ["on"]
            return name, toggled, toggled
    raise AssertionError(f"no field to change among {[name for name, _ in fields]}")


def page_form(response):
    """The form a page shows about a record, if any: the view's `form`, or the admin's."""
    context = response.context
    if context is None:
        return None
    if context.get("revert_disabled"):
        return None  # the admin's page of a past version: read only, reverting is switched off
    if "adminform" in context:
        return context["adminform"].form
    return context.get("form")


def driver(route):
    return next((role for role in DRIVERS if role in route.who), None)


def two_sessions(make_user, role):
    clients = []
    for _ in range(2):
        client, user = Client(), make_user(role)
        sign_in(client, role, user)
        clients.append(client)
    return clients


def same(field, shown: list[str] | None, values: list[str]) -> bool:
    """Whether a form shows `values` in a field, read as the field reads them (39663 is 39663.00)."""
    shown = shown or []
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return sorted(shown) == sorted(values)
    if isinstance(field, forms.BooleanField):
        return bool(shown) == bool(values)
    return len(shown) == len(values) == 1 and field.to_python(shown[0]) == field.to_python(values[0])


# How a refusal shows: the site's form page (error summary and what changed) or the admin's change page.
REFUSAL_MARKS = {"site": ("govuk-error-summary", 'data-testid="record-changed"'), "admin": ("errornote",)}


def drive(url: str, first: Client, second: Client, form, kind: str) -> str | None:
    """The two-session story on one edit page; what went wrong, or None."""
    first_data = locked_form_data(first.get(url).content.decode())
    second_data = locked_form_data(second.get(url).content.decode())
    name, first_value, second_value = change_for(form, first_data)
    saved = first.post(url, {**first_data, name: first_value})
    if saved.status_code != 302:
        errors = page_form(saved).errors if page_form(saved) is not None else ""
        return f"the first save answered {saved.status_code}, not a redirect {errors}"
    refused = second.post(url, {**second_data, name: second_value})
    body = refused.content.decode()
    if refused.status_code not in (200, 409):
        return f"the second save answered {refused.status_code}"
    if "Someone else changed this" not in body:
        return "the second save was not refused with the rule"
    missing = [mark for mark in REFUSAL_MARKS[kind] if mark not in body]
    if missing:
        return f"the refusal lacks {missing} (the error summary and what changed)"
    kept = locked_form_data(body)
    if not same(form.fields[name], kept.get(name), second_value):
        return f"the second person's typed {name!r} is not kept: {kept.get(name)}"
    if kept[VERSION_FIELD] == second_data[VERSION_FIELD]:
        return "the refusal's form still carries the old version, so saving again would be refused forever"
    now = locked_form_data(first.get(url).content.decode())
    if not same(form.fields[name], now.get(name), first_value):
        return f"the record lost the first change to {name!r}: {now.get(name)}"
    return None


def test_every_edit_page_refuses_the_second_of_two_concurrent_saves(objects, make_user, capsys):  # noqa: F811
    problems = [f"{name}: declared not an edit, but there is no such URL" for name in set(NOT_AN_EDIT) - set(ROUTES)]
    driven = []
    for name, route in sorted(ROUTES.items()):
        role = driver(route)
        if route.method != "get" or role is None or name.startswith("api:"):
            continue
        url = _url(name, route, objects)
        first, second = two_sessions(make_user, role)
        form = page_form(first.get(url))
        if form is None:
            continue
        locked = VERSION_FIELD in form.fields
        bound_to_record = getattr(getattr(form, "instance", None), "pk", None) is not None
        if name in NOT_AN_EDIT:
            if locked or bound_to_record:
                problems.append(f"{name}: edits a saved record, so it cannot be declared not an edit")
            continue
        if not locked:
            if bound_to_record:
                problems.append(f"{name}: edits a saved record without its version (use RecordLockMixin)")
            elif not isinstance(form, forms.ModelForm):
                problems.append(f"{name}: a form page that is neither locked nor declared in NOT_AN_EDIT")
            continue
        problem = drive(url, first, second, form, "admin" if name.startswith("admin:") else "site")
        driven.append(name)
        if problem:
            problems.append(f"{name} ({url}): {problem}")
    problems += [f"{name}: an edit page the issue names was not driven" for name in sorted(MUST_DRIVE - set(driven))]
    assert not problems, "\n".join(problems)
    with capsys.disabled():
        print(f"\nno lost update: {len(driven)} edit pages driven by two sessions: {', '.join(driven)}")


# Saving again after a refusal keeps both people's changes (issue 13 §7): a field the second person left alone
# shows the first person's saved value, a field they changed keeps what they typed, one both changed is named.
MERGE_PAGES = {
    "site": (
        "meetings:committee_edit",
        roles.OFFICER,
        {"short_name": ["CSP-1"], "is_public": []},
        {"name": ["Board 2"]},
    ),
    "admin": ("admin:kcsp_organisation_change", roles.ADMIN, {"short_name": ["KPOL-1"]}, {"name": ["Police 2"]}),
}


def opened_twice(kind, objects, make_user):  # noqa: F811
    """(url, first session, second session, each one's form data, first person's name): both opened the page."""
    name, role, _, _ = MERGE_PAGES[kind]
    url = _url(name, ROUTES[name], objects)
    sessions = []
    for full_name in ("First Person", "Second Person"):
        client = Client()
        sign_in(client, role, make_user(role, full_name=full_name))
        sessions.append((client, locked_form_data(client.get(url).content.decode())))
    (first, first_data), (second, second_data) = sessions
    return url, first, second, first_data, second_data


@pytest.mark.parametrize("kind", MERGE_PAGES)
def test_a_refused_save_brings_in_the_other_change_so_saving_again_keeps_both(kind, objects, make_user):  # noqa: F811
    _, _, first_change, second_change = MERGE_PAGES[kind]
    url, first, second, first_data, second_data = opened_twice(kind, objects, make_user)
    if kind == "site":
        assert first_data.get("is_public"), "the committee starts public, so the first person clears the tick"
    assert first.post(url, {**first_data, **first_change}).status_code == 302
    refused = second.post(url, {**second_data, **second_change})
    body = refused.content.decode()
    assert refused.status_code == 200 and "Someone else changed this" in body
    assert "both changed" not in body, "nobody changed the same field"
    kept = locked_form_data(body)
    for field, value in {**first_change, **second_change}.items():
        assert kept.get(field, []) == value, f"{field}: the re-shown form has {kept.get(field)}, not {value}"
    if kind == "site":
        assert 'data-testid="record-refreshed"' in body
    assert second.post(url, kept).status_code == 302, "saving again (deliberately) goes through"
    now = locked_form_data(first.get(url).content.decode())
    for field, value in {**first_change, **second_change}.items():
        assert now.get(field, []) == value, f"{field}: the record has {now.get(field)}, not both changes"


@pytest.mark.parametrize("kind", MERGE_PAGES)
def test_a_field_both_people_changed_keeps_the_second_persons_text_and_says_so(kind, objects, make_user):  # noqa: F811
    url, first, second, first_data, second_data = opened_twice(kind, objects, make_user)
    assert first.post(url, {**first_data, "name": ["First name"]}).status_code == 302
    body = second.post(url, {**second_data, "name": ["Second name"]}).content.decode()
    assert "You and First Person both changed Name: check before saving" in body
    assert locked_form_data(body)["name"] == ["Second name"]
