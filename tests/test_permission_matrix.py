"""Every URL the resolver knows, requested as every role, against an explicit table of who may open it.

A URL missing from ROUTES fails the test: each new feature must say who may use it.
"""

import datetime
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agreement.services import version_pdf_build
from agreement.tests.factories import agreement_world, unpublished_plan
from api.models import ApiToken, CalendarFeed
from api.sources import financial_year
from conftest import user_make
from dhr.tests.factories import dhr_world
from grants.tests.factories import grants_world
from kcsp import roles
from kcsp.governance.subject_access import subject_access_package_make
from kcsp.home_lists import LISTS as HOME_LISTS
from kcsp.models import Organisation, RenderCheck
from kcsp.services import render_check_run
from kcsp.testing import otp_verify
from kcsp.tests.factories import PersonFactory
from meetings.models import Annotation, OfficeTerm
from meetings.tests.factories import circulated_with_amendment, committee_business
from meetings.tests.forward_plan_world import forward_plan_world

ANONYMOUS = "anonymous"
NO_ROLE = "signed in, no role"
# The dhr_cleared and admin users have entered a one-time code (two-factor authentication); these two have not.
CLEARED_NO_2FA = "dhr_cleared without 2FA"
ADMIN_NO_2FA = "admin without 2FA"
EVERY_ROLE = (ANONYMOUS, NO_ROLE, *roles.ALL_ROLES, CLEARED_NO_2FA, ADMIN_NO_2FA)
EVERYONE = frozenset(EVERY_ROLE)
SIGNED_IN = frozenset(EVERY_ROLE) - {ANONYMOUS}
ANY_ROLE = SIGNED_IN - {NO_ROLE}
# The admin site needs the code: an admin without it is sent to enter it (302), checked separately below.
ADMIN_ONLY = frozenset({roles.ADMIN})
ADMIN_ROLE = frozenset({roles.ADMIN, ADMIN_NO_2FA})  # the system status pages, outside the admin site
OFFICER = frozenset({roles.OFFICER})
CHAIR = frozenset({roles.CHAIR})
# The member user sits on the committee, so sees its non-DHR restricted items; DHR items only the cleared,
# and only once they have entered a code.
RESTRICTED_READERS = frozenset({roles.MEMBER, roles.OFFICER, roles.CHAIR, roles.DHR_CLEARED, CLEARED_NO_2FA})
DHR_READERS = frozenset({roles.DHR_CLEARED})
# Bids: officers and the chair see all; the member user wrote the world's bids.
BID_READERS = frozenset({roles.MEMBER, roles.OFFICER, roles.CHAIR})
BID_WRITERS = frozenset({roles.MEMBER, roles.OFFICER})
OFFICER_OR_CHAIR = frozenset({roles.OFFICER, roles.CHAIR})
SCHEDULE_KEEPERS = ADMIN_ROLE | {roles.DPO}
DPO_ONLY = frozenset({roles.DPO})


# The public JSON API: open to everyone (tokens, not sessions, widen what it shows: see api/tests).
API_OBJECTS = {
    "organization": "committee",
    "person": "membership",  # its person: see KWARGS
    "membership": "membership",
    "meeting": "published",
    "agendaitem": "public_item",
    "paper": "written_paper",
    "consultation": "written_paper",
    "location": "published",  # the meeting's venue
}
API_ROUTE_NAMES = (
    "api:system",
    "api:openapi",
    "api:docs",
    "api:body-list",
    "api:body-detail",
    "api:file-list",
    "api:file-detail",
    "api:file-access",
    "api:file-download",
    "api:legislativeterm-list",
    "api:legislativeterm-detail",
    *(f"api:{name}-{end}" for name in API_OBJECTS for end in ("list", "detail")),
)
API_KWARGS = {
    "api:body-detail": "api_body",
    "api:file-detail": "api_file",
    "api:file-access": "api_file",
    "api:file-download": "api_file",
    "api:legislativeterm-detail": "api_legislativeterm",
    **{f"api:{name}-detail": f"api_{name}" for name in API_OBJECTS},
}


@dataclass(frozen=True)
class Route:
    who: frozenset
    kwargs: str | None = None  # name of a builder in KWARGS, fed the real objects
    method: str = "get"
    ok: frozenset = field(default_factory=lambda: frozenset({200}))
    query: str = ""
    dhr: bool = False  # a DHR page: everyone not entitled, anonymous included, gets exactly 404


def dhr_route(kwargs: str | None = None) -> Route:
    return Route(DHR_READERS, kwargs=kwargs, dhr=True)


GOVERNANCE_OBJECTS = ("retention_rule", "legal_hold", "disposal_list", "disposal_candidate")

KWARGS = {
    "organisation": lambda o: {"pk": o["organisation"].pk},
    "person": lambda o: {"pk": o["person"].pk},
    "office_term": lambda o: {"pk": o["office_term"].pk},
    "render_check": lambda o: {"pk": o["render_check"].pk},
    "reset_token": lambda o: {"uidb64": "MQ", "token": "set-password"},
    "app_kcsp": lambda o: {"app_label": "kcsp"},
    "view_on_site": lambda o: {
        "content_type_id": ContentType.objects.get_for_model(Organisation).pk,
        "object_id": o["organisation"].pk,
    },
    **{
        name: (lambda o, name=name: {"pk": o[name].pk})
        for name in (
            "published",
            "held",
            "signed",
            "dhr_item",
            "public_item",
            "written_paper",
            "restricted_paper",
            "section",
            "appendix",
            "attendance",
            "minute",
            "action",
            "amendment",
            "terms",
            "membership",
        )
    },
    "committee": lambda o: {"slug": o["committee"].slug},
    "forward_plan_entry": lambda o: {"pk": o["forward_plan_entry"].pk},
    "forward_plan_suggestion": lambda o: {"pk": o["forward_plan_draft"].pk, "entry": o["forward_plan_entry"].pk},
    "committee_section": lambda o: {
        "pk": o["committee"].agenda_sections.get(letter="B").pk
    },  # holds items: never removed,
    "standard_item": lambda o: {"pk": o["committee"].standard_items.first().pk},
    "minute_move": lambda o: {"pk": o["minute"].pk, "direction": "down"},
    "calendar_feed": lambda o: {"token": o["calendar_feed"].token},
    "api_body": lambda o: {"pk": "kcsp"},
    "api_file": lambda o: {"pk": f"appendix-{o['appendix'].pk}"},
    **{f"api_{name}": (lambda o, key=key: {"pk": str(o[key].pk)}) for name, key in API_OBJECTS.items()},
    "api_person": lambda o: {"pk": str(o["membership"].person_id)},
    "api_legislativeterm": lambda o: {"pk": str(financial_year(o["published"].date))},
    "api_rest": lambda o: {"rest": "no/such/list/"},
    "own_api_token": lambda o: {"pk": o["own_api_token"].pk},
    "subject_access_package": lambda o: {"pk": o["subject_access_package"].pk},
    **{
        name: (lambda o, name=name: {"pk": o[name].pk})
        for name in (
            "dhr_case",
            "dhr_recommendation",
            "dhr_action",
            "dhr_document",
            "dhr_funding_year",
            "dhr_rule",
            "dhr_listed",
        )
    },
    "agreement_year": lambda o: {"year": o["agreement"].year},
    "plan": lambda o: {"pk": o["plan"].pk},
    "unpublished_plan": lambda o: {"pk": o["unpublished_plan"].pk},
    "priority": lambda o: {"pk": o["first"].pk},
    "priority_up": lambda o: {"pk": o["second"].pk, "direction": "up"},
    "plan_theme": lambda o: {"pk": o["plan_theme"].pk},
    "theme_down": lambda o: {"pk": o["plan_theme"].pk, "direction": "down"},
    "published_export": lambda o: {"pk": o["published_version"].pk, "fmt": "xlsx"},
    "indicator": lambda o: {"pk": o["indicator"].pk},
    "published_version": lambda o: {"pk": o["published_version"].pk},
    "draft_version": lambda o: {"pk": o["draft_version"].pk},
    "published_item": lambda o: {"pk": o["published_item"].pk},
    "draft_item": lambda o: {"pk": o["draft_item"].pk},
    "draft_item_down": lambda o: {"pk": o["draft_item"].pk, "direction": "down"},
    "grant_year": lambda o: {"year": o["grant_year"].year},
    "grant_export": lambda o: {"year": o["grant_year"].year, "fmt": "xlsx"},
    "draft_bid": lambda o: {"pk": o["draft_bid"].pk},
    "submitted_bid": lambda o: {"pk": o["submitted_bid"].pk},
    "recommended_bid": lambda o: {"pk": o["recommended_bid"].pk},
    "decided_bid": lambda o: {"pk": o["decided_bid"].pk},
    "bid_attachment": lambda o: {"pk": o["bid_attachment"].pk},
    "recommend_step": lambda o: {"pk": o["submitted_bid"].pk, "action": "recommend"},
    "restricted_pack_file": lambda o: {"pk": o["published"].pk, "kind": "restricted"},
    "signed_restricted_part": lambda o: {"pk": o["signed"].pk, "kind": "restricted"},
    "restricted_pack": lambda o: {"pk": o["published"].pk, "kind": "restricted"},
    "restricted_pack_pk": lambda o: {"pack_pk": o["restricted_pack"].pk},
    "member_note": lambda o: {"pk": o["member_note"].pk},
    "spare_note": lambda o: {"pk": o["spare_note"].pk},
    "move_down": lambda o: {"pk": o["public_item"].pk, "direction": "down"},
    **{name: (lambda o, name=name: {"pk": o[name].pk}) for name in GOVERNANCE_OBJECTS},
    "admin_user": lambda o: {"object_id": o["user"].pk},
    "admin_organisation": lambda o: {"object_id": o["organisation"].pk},
    "admin_person": lambda o: {"object_id": o["person"].pk},
    # simple_history's page of one past version is a positional regex route: it takes args.
    **{
        f"admin_{model}_history": (lambda o, model=model: (o[model].pk, o[model].history.first().pk))
        for model in ("user", "organisation", "person")
    },
}


def admin_model_routes(model: str) -> dict:
    """The five admin pages of one registered model; all for the admin role alone."""
    return {
        f"admin:kcsp_{model}_changelist": Route(ADMIN_ONLY),
        f"admin:kcsp_{model}_add": Route(ADMIN_ONLY),
        f"admin:kcsp_{model}_change": Route(ADMIN_ONLY, kwargs=f"admin_{model}"),
        f"admin:kcsp_{model}_history": Route(ADMIN_ONLY, kwargs=f"admin_{model}"),
        f"admin:kcsp_{model}_delete": Route(ADMIN_ONLY, kwargs=f"admin_{model}"),
        f"admin:kcsp_{model}_simple_history": Route(ADMIN_ONLY, kwargs=f"admin_{model}_history"),
    }


ROUTES = {
    "home": Route(EVERYONE),
    # The waiting lists behind the home page's counts: each role its own, DHR ones through the DHR gate.
    **{waiting.url_name: dhr_route() if waiting.dhr else Route(frozenset({waiting.role})) for waiting in HOME_LISTS},
    "accessibility": Route(EVERYONE),
    "reader_service_worker": Route(EVERYONE),  # the offline reader's script: no data in it
    "login": Route(EVERYONE, ok=frozenset({200, 302})),  # signed-in users are sent home
    "logout": Route(EVERYONE, method="post", ok=frozenset({302})),
    "password_change": Route(SIGNED_IN),
    "password_change_done": Route(SIGNED_IN),
    "password_reset": Route(EVERYONE),
    "password_reset_done": Route(EVERYONE),
    "password_reset_confirm": Route(EVERYONE, kwargs="reset_token"),
    "password_reset_complete": Route(EVERYONE),
    "account": Route(SIGNED_IN),
    "notifications:preferences": Route(SIGNED_IN),
    "tokens:api_token_create": Route(SIGNED_IN),
    "tokens:api_token_revoke": Route(frozenset({roles.MEMBER}), kwargs="own_api_token"),  # the owner's token
    "tokens:calendar_create": Route(SIGNED_IN),
    "tokens:calendar_revoke": Route(SIGNED_IN),
    # A capability address for calendar applications: whoever holds the token reads that person's meetings.
    "tokens:private_ical": Route(EVERYONE, kwargs="calendar_feed"),
    **{name: Route(EVERYONE, kwargs=API_KWARGS.get(name)) for name in API_ROUTE_NAMES},
    "api:not-found": Route(EVERYONE, kwargs="api_rest", ok=frozenset({404})),  # any other API address: a problem
    "search:search": Route(EVERYONE, query="q=update"),
    "two_factor_setup": Route(SIGNED_IN),
    "two_factor_verify": Route(SIGNED_IN, ok=frozenset({200, 302})),  # no app yet: sent to set one up
    "two_factor_backup_codes": Route(SIGNED_IN, ok=frozenset({200, 302})),  # no app or no code yet: sent there
    "two_factor_enrolment_code_send": Route(SIGNED_IN, method="post", ok=frozenset({302})),
    "organisation_list": Route(ANY_ROLE),
    "organisation_detail": Route(ANY_ROLE, kwargs="organisation"),
    "organisation_add": Route(OFFICER),
    "organisation_edit": Route(OFFICER, kwargs="organisation"),
    "organisation_retire": Route(OFFICER, kwargs="organisation"),
    "organisation_reactivate": Route(OFFICER, kwargs="organisation"),
    "person_list": Route(ANY_ROLE, query="q=surname"),
    "person_detail": Route(ANY_ROLE, kwargs="person"),
    "person_add": Route(OFFICER),
    "person_edit": Route(OFFICER, kwargs="person"),
    "system_status": Route(ADMIN_ROLE),
    "render_check_pdf": Route(ADMIN_ROLE, kwargs="render_check"),
    "data_map": Route(SCHEDULE_KEEPERS),
    "data_map_csv": Route(SCHEDULE_KEEPERS),
    # Issue 20: the retention schedule for the admin role and the data protection officer; disposal, legal holds
    # and disposal records for the data protection officer alone.
    "governance:retention_schedule": Route(SCHEDULE_KEEPERS),
    "governance:rule_detail": Route(SCHEDULE_KEEPERS, kwargs="retention_rule"),
    "governance:rule_edit": Route(SCHEDULE_KEEPERS, kwargs="retention_rule"),
    "governance:hold_list": Route(DPO_ONLY),
    "governance:hold_place": Route(DPO_ONLY),
    "governance:hold_lift": Route(DPO_ONLY, kwargs="legal_hold"),
    "governance:disposal_lists": Route(DPO_ONLY),
    "governance:disposal_list_make": Route(DPO_ONLY),
    "governance:disposal_list": Route(DPO_ONLY, kwargs="disposal_list"),
    # Its GET comes from the list's checkboxes; with none ticked it goes back to the list.
    "governance:disposal_approve": Route(DPO_ONLY, kwargs="disposal_list", ok=frozenset({302})),
    "governance:candidate_keep": Route(DPO_ONLY, kwargs="disposal_candidate"),
    "governance:disposal_records": Route(DPO_ONLY),
    # Subject-access packages: the data protection officer alone; the admin role is refused like everyone else.
    "subject_access:list": Route(DPO_ONLY),
    "subject_access:make": Route(DPO_ONLY),
    "subject_access:detail": Route(DPO_ONLY, kwargs="subject_access_package"),
    "subject_access:download": Route(DPO_ONLY, kwargs="subject_access_package"),
    "meetings:calendar": Route(EVERYONE),
    "meetings:ical": Route(EVERYONE),
    "meetings:meeting_create": Route(OFFICER),
    "meetings:meeting_detail": Route(EVERYONE, kwargs="published"),
    "meetings:meeting_ical": Route(EVERYONE, kwargs="published"),  # one meeting's .ics, as its page
    "meetings:meeting_edit": Route(OFFICER, kwargs="published"),
    "meetings:item_create": Route(OFFICER, kwargs="published"),
    "meetings:agenda_agree": Route(CHAIR, kwargs="published"),
    "meetings:agenda_send_to_chair": Route(OFFICER, kwargs="published"),
    "meetings:agenda_return": Route(CHAIR, kwargs="published"),
    "meetings:agenda_take_back": Route(OFFICER, kwargs="published"),
    "meetings:meeting_publish": Route(OFFICER, kwargs="published"),
    "meetings:meeting_held": Route(OFFICER, kwargs="published"),
    "meetings:meeting_record_held": Route(OFFICER, kwargs="published"),
    "meetings:meeting_reschedule": Route(OFFICER, kwargs="published"),
    "meetings:meeting_postpone": Route(OFFICER, kwargs="published"),
    "meetings:meeting_cancel": Route(OFFICER, kwargs="published"),
    "meetings:meeting_replace": Route(OFFICER, kwargs="published"),
    "meetings:pack_status": Route(EVERYONE, kwargs="published"),
    "meetings:pack_rebuild": Route(OFFICER, kwargs="published", method="post", ok=frozenset({302})),
    "meetings:pack_download": Route(RESTRICTED_READERS, kwargs="restricted_pack_file"),
    "meetings:pack_reader_file": Route(RESTRICTED_READERS, kwargs="restricted_pack_file"),
    "meetings:pack_pages": Route(RESTRICTED_READERS, kwargs="restricted_pack_file"),
    "meetings:pack_withdraw": Route(OFFICER, kwargs="restricted_pack"),
    "meetings:pack_reader": Route(RESTRICTED_READERS, kwargs="restricted_pack"),  # the reader: as its download
    # A member's own notes (issue 17): the member user wrote both notes; nobody else, officers and admins
    # included, may read, change or delete them (404). The reader's JSON about a pack: whoever may open the pack.
    "meetings:pack_notes_api": Route(RESTRICTED_READERS, kwargs="restricted_pack_pk"),
    "meetings:pack_position_api": Route(
        RESTRICTED_READERS, kwargs="restricted_pack_pk", method="post", ok=frozenset({400})
    ),  # an empty body: 400 naming the rule
    "meetings:my_notes": Route(SIGNED_IN),
    "meetings:note_api": Route(frozenset({roles.MEMBER}), kwargs="member_note", method="post", ok=frozenset({400})),
    "meetings:note_delete_api": Route(frozenset({roles.MEMBER}), kwargs="spare_note", method="post"),
    "meetings:note_edit": Route(frozenset({roles.MEMBER}), kwargs="member_note"),
    "meetings:note_remove": Route(frozenset({roles.MEMBER}), kwargs="member_note"),
    "meetings:download_log": Route(OFFICER, kwargs="published"),
    "meetings:attendance": Route(OFFICER, kwargs="held"),
    "meetings:person_create": Route(OFFICER, kwargs="held"),
    "meetings:apologies": Route(ANY_ROLE, kwargs="published"),
    "meetings:declaration_create": Route(OFFICER, kwargs="held"),
    "meetings:minutes": Route(EVERYONE, kwargs="held"),
    "meetings:minute_create": Route(OFFICER, kwargs="held"),
    "meetings:minutes_approve": Route(CHAIR, kwargs="held"),
    "meetings:minutes_start": Route(OFFICER, kwargs="held"),
    "meetings:minutes_circulate": Route(OFFICER, kwargs="held"),
    # Amendments are proposed by those who attended: of the users, the member and the chair (who chaired it) were there.
    "meetings:amendment_propose": Route(frozenset({roles.MEMBER, roles.CHAIR}), kwargs="minute"),
    "meetings:amendment_decide": Route(OFFICER, kwargs="amendment"),
    # The signed record's parts: the public one to all who see the meeting (meetings/tests/test_signed_record.py),
    # the restricted one walked here, its DHR twin in test_dhr_access_gate.
    "meetings:signed_minutes_pdf": Route(RESTRICTED_READERS, kwargs="signed_restricted_part"),
    "meetings:erratum_create": Route(CHAIR, kwargs="signed"),  # the chair user chaired the approving meeting
    "meetings:item_detail": Route(DHR_READERS, kwargs="dhr_item"),
    "meetings:item_edit": Route(OFFICER, kwargs="public_item"),
    "meetings:item_move": Route(OFFICER, kwargs="move_down", method="post", ok=frozenset({302})),
    "meetings:item_delete": Route(OFFICER, kwargs="public_item"),
    "meetings:paper_write": Route(OFFICER, kwargs="public_item"),
    "meetings:paper_upload": Route(OFFICER, kwargs="public_item"),
    "meetings:paper_detail": Route(EVERYONE, kwargs="written_paper"),
    "meetings:paper_edit": Route(OFFICER, kwargs="written_paper"),
    "meetings:paper_file": Route(RESTRICTED_READERS, kwargs="restricted_paper"),
    "meetings:section_create": Route(OFFICER, kwargs="written_paper"),
    "meetings:appendix_create": Route(OFFICER, kwargs="written_paper"),
    "meetings:section_edit": Route(OFFICER, kwargs="section"),
    "meetings:section_preview": Route(OFFICER, method="post"),  # the live preview of a section (a fragment)
    "meetings:appendix_file": Route(EVERYONE, kwargs="appendix"),
    "meetings:attendance_delete": Route(OFFICER, kwargs="attendance"),
    "meetings:minute_edit": Route(OFFICER, kwargs="minute"),
    "meetings:minute_move": Route(OFFICER, kwargs="minute_move"),
    "meetings:minute_delete": Route(OFFICER, kwargs="minute"),
    "meetings:action_create": Route(OFFICER, kwargs="minute"),
    "meetings:action_edit": Route(OFFICER, kwargs="action"),
    "meetings:committee_list": Route(ANY_ROLE),
    "meetings:committee_create": Route(OFFICER),
    "meetings:committee_detail": Route(ANY_ROLE, kwargs="committee"),
    "meetings:committee_edit": Route(OFFICER, kwargs="committee"),
    # For anyone who may see the committee's minutes; each row follows its minute's rule (Action.visible_to).
    "meetings:action_log": Route(EVERYONE, kwargs="committee"),
    "meetings:terms_create": Route(OFFICER, kwargs="committee"),
    "meetings:membership_create": Route(OFFICER, kwargs="committee"),
    "meetings:office_create": Route(OFFICER, kwargs="committee"),
    "meetings:office_detail": Route(ANY_ROLE, kwargs="office_term"),
    "meetings:office_edit": Route(OFFICER, kwargs="office_term"),
    "meetings:office_end": Route(OFFICER, kwargs="office_term"),
    "meetings:terms_detail": Route(ANY_ROLE, kwargs="terms"),
    "meetings:membership_edit": Route(OFFICER, kwargs="membership"),
    "meetings:forward_plan": Route(OFFICER, kwargs="committee"),
    "meetings:forward_plan_create": Route(OFFICER, kwargs="committee"),
    "meetings:forward_plan_entry": Route(OFFICER, kwargs="forward_plan_entry"),
    "meetings:forward_plan_edit": Route(OFFICER, kwargs="forward_plan_entry"),
    "meetings:forward_plan_withdraw": Route(OFFICER, kwargs="forward_plan_entry"),
    "meetings:forward_plan_move": Route(OFFICER, kwargs="forward_plan_entry"),
    "meetings:forward_plan_accept": Route(OFFICER, kwargs="forward_plan_suggestion"),
    "meetings:forward_plan_put_off": Route(OFFICER, kwargs="forward_plan_suggestion"),
    # A public body's forward plan, for everyone (withheld titles read "Restricted item").
    "meetings:forward_plan_public": Route(EVERYONE, kwargs="committee"),
    "meetings:committee_section_create": Route(OFFICER, kwargs="committee"),
    "meetings:committee_section_edit": Route(OFFICER, kwargs="committee_section"),
    "meetings:committee_section_delete": Route(OFFICER, kwargs="committee_section"),
    "meetings:standard_item_create": Route(OFFICER, kwargs="committee"),
    "meetings:standard_item_edit": Route(OFFICER, kwargs="standard_item"),
    "meetings:standard_item_delete": Route(OFFICER, kwargs="standard_item"),
    # A DHR item's public title: DHR-cleared users who entered their code only (the DHR gate).
    "meetings:item_public_title": dhr_route("dhr_item"),
    "agreement:agreement_list": Route(EVERYONE),
    "agreement:agreement_detail": Route(EVERYONE, kwargs="agreement_year"),
    "agreement:new_draft": Route(OFFICER, kwargs="plan"),
    "agreement:version_detail": Route(EVERYONE, kwargs="published_version"),
    "agreement:item_create": Route(OFFICER, kwargs="draft_version"),
    "agreement:version_publish": Route(OFFICER, kwargs="draft_version"),
    "agreement:exception_report": Route(ANY_ROLE, kwargs="published_version"),
    "agreement:item_detail": Route(EVERYONE, kwargs="published_item"),
    "agreement:item_edit": Route(OFFICER, kwargs="draft_item"),
    "agreement:item_move": Route(OFFICER, kwargs="draft_item_down", method="post", ok=frozenset({302})),
    "agreement:item_retire": Route(OFFICER, kwargs="draft_item"),
    "agreement:progress_create": Route(OFFICER, kwargs="published_item"),
    "agreement:indicator_detail": Route(ANY_ROLE, kwargs="indicator"),
    "agreement:plan_export": Route(EVERYONE, kwargs="published_export"),
    "agreement:plan_import": Route(OFFICER, kwargs="draft_version"),
    "agreement:plan_pdf": Route(EVERYONE, kwargs="published_version"),
    "agreement:plan_pdf_build": Route(OFFICER, kwargs="published_version", method="post", ok=frozenset({302})),
    "agreement:plan_import_confirm": Route(OFFICER, kwargs="draft_version", method="post", ok=frozenset({302})),
    "agreement:indicator_value_create": Route(OFFICER, kwargs="indicator"),
    "agreement:agreement_create": Route(OFFICER),
    "agreement:agreement_edit": Route(OFFICER, kwargs="agreement_year"),
    "agreement:agreement_publish": Route(OFFICER, kwargs="agreement_year"),
    "agreement:agreement_copy": Route(OFFICER, kwargs="agreement_year"),
    "agreement:agreement_structure": Route(OFFICER, kwargs="agreement_year"),
    "agreement:priority_create": Route(OFFICER, kwargs="agreement_year"),
    "agreement:priority_edit": Route(OFFICER, kwargs="priority"),
    "agreement:priority_move": Route(OFFICER, kwargs="priority_up", method="post", ok=frozenset({302})),
    "agreement:priority_remove": Route(OFFICER, kwargs="priority"),
    "agreement:theme_create": Route(OFFICER, kwargs="agreement_year"),
    "agreement:theme_edit": Route(OFFICER, kwargs="plan_theme"),
    "agreement:theme_move": Route(OFFICER, kwargs="theme_down", method="post", ok=frozenset({302})),
    "agreement:theme_remove": Route(OFFICER, kwargs="plan_theme"),
    "agreement:plan_create": Route(OFFICER, kwargs="agreement_year"),
    "agreement:plan_edit": Route(OFFICER, kwargs="unpublished_plan"),
    "agreement:indicator_list": Route(ANY_ROLE, kwargs="agreement_year"),
    "agreement:indicator_create": Route(OFFICER, kwargs="agreement_year"),
    "agreement:indicator_grid": Route(OFFICER, kwargs="agreement_year"),
    "agreement:indicator_import": Route(OFFICER, kwargs="agreement_year"),
    "agreement:indicator_import_confirm": Route(OFFICER, kwargs="agreement_year", method="post", ok=frozenset({302})),
    "agreement:indicator_edit": Route(OFFICER, kwargs="indicator"),
    "agreement:indicator_retire": Route(OFFICER, kwargs="indicator"),
    "agreement:indicator_unretire": Route(OFFICER, kwargs="indicator"),
    "grants:year_list": Route(EVERYONE),
    "grants:year_create": Route(OFFICER),
    "grants:year_detail": Route(EVERYONE, kwargs="grant_year"),
    "grants:year_edit": Route(OFFICER, kwargs="grant_year"),
    "grants:tactical_lock": Route(OFFICER, kwargs="grant_year"),
    "grants:tactical_unlock": Route(OFFICER, kwargs="grant_year"),
    "grants:year_close": Route(OFFICER, kwargs="grant_year"),
    "grants:bid_list": Route(BID_READERS, kwargs="grant_year"),
    "grants:bid_create": Route(BID_WRITERS, kwargs="grant_year"),
    "grants:bid_export": Route(OFFICER_OR_CHAIR, kwargs="grant_export"),
    "grants:giving_export": Route(EVERYONE),
    "grants:giving_json": Route(EVERYONE),
    "grants:bid_detail": Route(BID_READERS, kwargs="submitted_bid"),
    "grants:bid_edit": Route(BID_WRITERS, kwargs="draft_bid"),
    "grants:attachment_create": Route(BID_WRITERS, kwargs="submitted_bid"),
    "grants:attachment_file": Route(BID_READERS, kwargs="bid_attachment"),
    "grants:bid_step": Route(OFFICER, kwargs="recommend_step"),
    "grants:bid_minute": Route(OFFICER, kwargs="decided_bid"),
    "grants:queue": Route(CHAIR),
    "grants:queue_decide": Route(CHAIR, kwargs="recommended_bid"),
    "dhr:case_list": dhr_route(),
    "dhr:case_create": dhr_route(),
    "dhr:case_detail": dhr_route("dhr_case"),
    "dhr:case_edit": dhr_route("dhr_case"),
    "dhr:case_history": dhr_route("dhr_case"),
    "dhr:extension_create": dhr_route("dhr_case"),
    "dhr:panel_create": dhr_route("dhr_case"),
    "dhr:related_create": dhr_route("dhr_case"),
    "dhr:document_upload": dhr_route("dhr_case"),
    "dhr:publication": dhr_route("dhr_listed"),
    "dhr:recommendation_create": dhr_route("dhr_case"),
    "dhr:escalation_create": dhr_route("dhr_case"),
    "dhr:cost_create": dhr_route("dhr_case"),
    "dhr:document_download": dhr_route("dhr_document"),
    "dhr:action_create": dhr_route("dhr_recommendation"),
    "dhr:action_update_create": dhr_route("dhr_action"),
    "dhr:funding": dhr_route(),
    "dhr:funding_year_create": dhr_route(),
    "dhr:contribution_create": dhr_route("dhr_funding_year"),
    "dhr:lesson_list": dhr_route(),
    "dhr:lesson_create": dhr_route(),
    "dhr:timescale_list": dhr_route(),
    "dhr:timescale_edit": dhr_route("dhr_rule"),
    "dhr:access_log": dhr_route(),
    "dhr:access_log_export": dhr_route(),
    "dhr:agenda_link": dhr_route("dhr_item"),
    "dhr:published_list": Route(EVERYONE),
    "dhr:published_report": Route(EVERYONE, kwargs="dhr_listed"),
    "admin:index": Route(ADMIN_ONLY),
    "admin:login": Route(ADMIN_ONLY, ok=frozenset({302})),
    "admin:logout": Route(ADMIN_ONLY, method="post", ok=frozenset({200, 302})),
    "admin:password_change": Route(ADMIN_ONLY),
    "admin:password_change_done": Route(ADMIN_ONLY),
    "admin:jsi18n": Route(ADMIN_ONLY),
    "admin:autocomplete": Route(ADMIN_ONLY, query="app_label=kcsp&model_name=person&field_name=user"),
    "admin:view_on_site": Route(ADMIN_ONLY, kwargs="view_on_site", ok=frozenset({302})),
    "admin:app_list": Route(ADMIN_ONLY, kwargs="app_kcsp"),
    **admin_model_routes("user"),
    **admin_model_routes("organisation"),
    **admin_model_routes("person"),
}
# Unnamed patterns allowed in the resolver: the admin's catch-all that turns unknown admin URLs into 404s,
# and its redirect from an object's bare URL to its change page (both behind the admin's own check).
UNNAMED_ALLOWED = re.compile(r"^admin/(\(\?P<url>\.\*\)\$|kcsp/\w+/<path:object_id>/)$")


def resolver_routes(resolver=None, namespace="", prefix=""):
    """Yield (qualified name, route text) for every pattern reachable from the root URLconf."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from resolver_routes(pattern, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), prefix + str(pattern.pattern)


def test_every_url_is_in_the_table_and_the_table_has_no_stale_entries():
    names, unnamed = set(), set()
    for name, route in resolver_routes():
        (names.add(name) if name else unnamed.add(route))
    missing = names - set(ROUTES)
    assert not missing, f"URLs nobody has declared permissions for: {sorted(missing)}"
    stale = set(ROUTES) - names
    assert not stale, f"Table entries with no URL: {sorted(stale)}"
    unchecked = sorted(route for route in unnamed if not UNNAMED_ALLOWED.match(route))
    assert not unchecked, f"Unnamed URL patterns cannot be checked: {unchecked}"


def matrix_world_build() -> dict:
    """Every kind of object the routes need, and one user per role; {"users": ..., "objects": ...}."""
    users = {
        NO_ROLE: user_make(),
        **{role: user_make(role) for role in roles.ALL_ROLES},
        CLEARED_NO_2FA: user_make(roles.DHR_CLEARED),
        ADMIN_NO_2FA: user_make(roles.ADMIN),
    }
    person = PersonFactory()
    check = render_check_run(check=RenderCheck.objects.create())
    assert check.status == RenderCheck.Status.DONE
    core = {"organisation": person.organisation, "person": person, "user": user_make(), "render_check": check}
    business = committee_business(member_user=users[roles.MEMBER], chair_user=users[roles.CHAIR])
    business |= circulated_with_amendment(business)
    business |= forward_plan_world(business)
    business["office_term"] = OfficeTerm.objects.create(  # held by someone who signed nothing: free to correct
        committee=business["committee"],
        person=PersonFactory(surname="Holder"),
        office=OfficeTerm.Office.VICE_CHAIR,
        starts_on=datetime.date(2030, 6, 1),
        ends_on=datetime.date(2032, 5, 31),
    )
    plan = agreement_world()
    version_pdf_build(version=plan["published_version"])
    plan["unpublished_plan"] = unpublished_plan()
    grants = grants_world(member_user=users[roles.MEMBER], year=plan["agreement"].year)
    tokens = {
        "calendar_feed": CalendarFeed.objects.create(user=users[roles.MEMBER], token="matrix-feed-token"),
        "own_api_token": ApiToken.issue(user=users[roles.MEMBER], name="matrix")[0],
    }
    reviews = dhr_world(user=users[roles.DHR_CLEARED], dhr_item=business["dhr_item"])
    notes = {
        name: Annotation.objects.create(
            user=users[roles.MEMBER], paper=business["restricted_paper"], quote=name, paper_fingerprint="x"
        )
        for name in ("member_note", "spare_note")
    }
    governance = governance_world(users[roles.DPO])
    # made by the data protection officer (no one-time code here: DHR records not searched) for the member
    governance["subject_access_package"] = subject_access_package_make(
        users[roles.DPO], person=users[roles.MEMBER].person
    )
    names = [*business, *plan, *grants, *tokens, *reviews, *notes, *governance]
    assert len(names) == len(set(names)), "object names must not collide"
    objects = {**core, **business, **plan, **grants, **tokens, **reviews, **notes, **governance}
    return {"users": users, "objects": objects}


def governance_world(dpo) -> dict:
    """A retention rule, an active legal hold and a disposal list with one record waiting (issue 20)."""
    from kcsp.governance.models import DisposalCandidate, DisposalList, LegalHold, RetentionRule

    disposal_list = DisposalList.objects.create(as_of=datetime.date(2030, 1, 1))
    return {
        "retention_rule": RetentionRule.objects.get(record_type="notification"),
        "legal_hold": LegalHold.objects.create(
            record_type="notification", object_id=2, label="Notice 2", reason="A claim", placed_by=dpo
        ),
        "disposal_list": disposal_list,
        "disposal_candidate": DisposalCandidate.objects.create(
            disposal_list=disposal_list,
            record_type="notification",
            object_id=1,
            label="Notice 1",
            due_on=datetime.date(2029, 12, 1),
            action="delete",
        ),
    }


@pytest.fixture
def matrix_world(db, snapshot_load, settings, tmp_path):
    """The walking tests' world (matrix_world_build), built once per session and put back for each test (with its
    files under this test's MEDIA_ROOT): the first thing such a test writes."""
    settings.MEDIA_ROOT = tmp_path
    return snapshot_load("matrix world", matrix_world_build)


@pytest.fixture
def objects(matrix_world):
    return matrix_world["objects"]


@pytest.fixture
def users(matrix_world):
    return matrix_world["users"]


VERIFIED = (roles.DHR_CLEARED, roles.ADMIN)


def sign_in(client, role, user):
    client.force_login(user)
    if role in VERIFIED:
        otp_verify(client, user)


@pytest.fixture
def clients(users):
    result = {ANONYMOUS: Client()}
    for role, user in users.items():
        result[role] = Client()
        sign_in(result[role], role, user)
    return result


def _refusal(route, name, role, status, response, method) -> str | None:
    """Why a refused role's answer is wrong, or None when it is a proper refusal."""
    if route.dhr:
        return None if status == 404 else f"{role} should get 404 for DHR page, got {status}"
    if role == ADMIN_NO_2FA and name.startswith("admin:"):
        if status == 302 and response["Location"].startswith("/account/two-factor/"):
            return None
        return f"admin without 2FA should be sent to enter a code, got {status}"
    if role == ANONYMOUS:
        if status == 404 or (status == 302 and response["Location"].startswith(reverse("login"))):
            return None
        if method == "post" and status == 405:
            return None
        return f"anonymous should be sent to sign in, got {status}"
    refused = (403, 404, 405) if method == "post" else (403, 404)
    return None if status in refused else f"{role} should be refused {method.upper()}, got {status}"


def _url(name, route, objects) -> str:
    params = KWARGS[route.kwargs](objects) if route.kwargs else {}
    url = reverse(name, args=params) if isinstance(params, tuple) else reverse(name, kwargs=params)
    return f"{url}?{route.query}" if route.query else url


def test_every_route_answers_every_role_as_the_table_says(objects, users, clients, capsys):
    """Every URL as every role by its own method; then every GET page is also POSTed to (empty) by everyone.

    Each answer a role may open is also checked for its protective marking wherever it shows restricted or DHR
    material (tests/test_protective_marking.py, `marking_problem`): this walk is that test's walk.

    A POST to a page is refused to those refused the page (403/404, or 405 where the page takes no POST);
    those allowed get a form answer, a redirect or 405, never a server error or a refusal. The GETs all
    run first, because an allowed POST may change the objects later routes are built from.
    """
    from .test_protective_marking import marking_problem, world_markers

    failures, checked, markers = [], 0, world_markers()
    plan = [(name, route, route.method) for name, route in sorted(ROUTES.items())]
    plan += [(name, route, "post") for name, route in sorted(ROUTES.items()) if route.method == "get"]
    for name, route, method in plan:
        url = _url(name, route, objects)
        for role in EVERY_ROLE:
            response = getattr(clients[role], method)(url)
            checked += 1
            status = response.status_code
            allowed = role in route.who and not (role == ADMIN_NO_2FA and name.startswith("admin:"))
            if allowed and method == route.method:
                problem = None if status in route.ok else f"{role} should open {method.upper()}, got {status}"
                problem = problem or marking_problem(role, response, markers)  # issue 20: marked wherever shown
            elif allowed:
                problem = f"{role} allowed the page but its POST answered {status}" if status in (403, 500) else None
            else:
                problem = _refusal(route, name, role, status, response, method)
            if problem:
                failures.append(f"{method.upper()} {url}: {problem}")
            if method == "post" and role != ANONYMOUS:
                sign_in(clients[role], role, users[role])  # the POST may have signed them out
    assert not failures, "\n".join(failures)
    with capsys.disabled():
        print(f"\npermission matrix: {checked} (URL x role x method) cases checked over {len(ROUTES)} URLs")
