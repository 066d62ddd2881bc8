"""Personal data in meetings, papers, minutes and packs (the data map: kcsp/datamap.py)."""

from kcsp.datamap import CONTACT, FREE_TEXT, IDENTITY, PUBLIC_TASK, ROLE, TECHNICAL, PersonalField, personal

PUBLIC_RECORD = "Everyone for public business; restricted items only to members of the committee and officers"
OFFICERS = "Officers and administrators"
NAME_PURPOSE = "The name as the public record prints it"


def text(purpose: str, retention: str, visible_to: str = PUBLIC_RECORD) -> PersonalField:
    return PersonalField(FREE_TEXT, purpose, PUBLIC_TASK, retention, visible_to)


def name(retention: str, visible_to: str = PUBLIC_RECORD) -> PersonalField:
    return PersonalField(IDENTITY, NAME_PURPOSE, PUBLIC_TASK, retention, visible_to)


CONTACT_OFFICER = "The meeting's contact officer"
FILE_NAME = "The name of an uploaded file, kept for its reader"
SEARCH_COPY = "Text read from the file for search and accessibility checks"

DECLARATIONS = {
    "Committee": personal({}, not_personal={"name": "A committee's name", "short_name": "A committee's abbreviation"}),
    "TermsOfReference": personal({}, not_personal={"text": "The committee's terms of reference, naming no one"}),
    "OfficeTerm": personal(
        {"person": PersonalField(ROLE, "Who holds an office", PUBLIC_TASK, "membership", PUBLIC_RECORD)}
    ),
    "Membership": personal(
        {"person": PersonalField(ROLE, "Who sits on which committee", PUBLIC_TASK, "membership", PUBLIC_RECORD)}
    ),
    "Meeting": personal(
        {
            "contact_name": PersonalField(IDENTITY, CONTACT_OFFICER, PUBLIC_TASK, "meeting", "Everyone"),
            "contact_phone": PersonalField(CONTACT, CONTACT_OFFICER, PUBLIC_TASK, "meeting", "Everyone"),
            "contact_email": PersonalField(CONTACT, CONTACT_OFFICER, PUBLIC_TASK, "meeting", "Everyone"),
            "minutes_signed_name": name("minutes", "Everyone"),
        }
    ),
    "MeetingStatusChange": personal({"reason": text("Why a meeting moved or was cancelled", "meeting")}),
    "AgendaItem": personal({"description": text("What the item is about", "meeting")}),
    "Attendance": personal(
        {
            "name_as_recorded": name("attendance"),
            "substitute_for_name": name("attendance"),
            "role_text": PersonalField(ROLE, "Capacity attended in", PUBLIC_TASK, "attendance", PUBLIC_RECORD),
        }
    ),
    "Declaration": personal(
        {
            "name_as_recorded": name("declaration"),
            "interest": text("The interest declared (Localism Act 2011 / code of conduct)", "declaration"),
        }
    ),
    "ForwardPlanEntry": personal(
        {"lead_text": name("meeting"), "notes": text("Officers' notes on planned business", "meeting", OFFICERS)}
    ),
    "Minute": personal({"text": text("The minute: the public record of the meeting", "minutes")}),
    "Action": personal(
        {
            "text": text("The action agreed", "minutes"),
            "owner_name": name("minutes"),
            "progress": text("Progress on the action", "minutes"),
        }
    ),
    "MinuteAmendment": personal(
        {
            "proposer_name": name("minutes", OFFICERS),
            "based_on_text": text("The minute as it stood", "minutes", OFFICERS),
            "proposed_text": text("The proposed wording", "minutes", OFFICERS),
            "note": text("The proposer's note", "minutes", OFFICERS),
            "decision_reason": text("Why the amendment was accepted or refused", "minutes", OFFICERS),
        }
    ),
    "Paper": personal(
        {
            "authors": PersonalField(IDENTITY, "Who wrote the paper", PUBLIC_TASK, "paper", PUBLIC_RECORD),
            "contact": PersonalField(CONTACT, "Who to ask about the paper", PUBLIC_TASK, "paper", PUBLIC_RECORD),
            "summary": text("The paper's summary", "paper"),
            "extracted_text": text(SEARCH_COPY, "paper"),
        },
        not_personal={"addressed_to": "The committee a paper is for", "original_name": FILE_NAME},
    ),
    "PaperSection": personal({"body": text("A section of a paper written in the app", "paper")}),
    "Appendix": personal(
        {"extracted_text": text(SEARCH_COPY, "paper")},
        not_personal={"original_name": FILE_NAME},
    ),
    "Pack": personal({"withdrawn_reason": text("Why a pack was withdrawn", "pack", OFFICERS)}),
    "PackWithdrawal": personal({"reason": text("Why a pack was withdrawn", "pack", OFFICERS)}),
    "PackRead": personal(
        {"read_at": PersonalField(TECHNICAL, "Where a reader left off", PUBLIC_TASK, "pack", "The reader only")}
    ),
    "Annotation": personal(
        {
            "note": PersonalField(FREE_TEXT, "A reader's private note", PUBLIC_TASK, "annotation", "The reader only"),
            "quote": PersonalField(FREE_TEXT, "The passage annotated", PUBLIC_TASK, "annotation", "The reader only"),
        }
    ),
    "Erratum": personal(
        {
            "text": text("The correction to signed minutes", "minutes"),
            "reason": text("Why the correction was made", "minutes"),
            "signed_by_name": name("minutes"),
        }
    ),
}
