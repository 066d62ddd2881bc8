"""Personal data in Domestic Homicide Reviews (the data map: kcsp/datamap.py).

Case content is special category and criminal offence data about victims, perpetrators and families.
"""

from kcsp.datamap import DHR_BASIS, FREE_TEXT, IDENTITY, ROLE, SECURITY, SPECIAL, TECHNICAL, PersonalField, personal

CLEARED = "DHR-cleared users who have signed in with a one-time code (every view recorded in the access log)"


def case(category: str, purpose: str) -> PersonalField:
    return PersonalField(category, purpose, DHR_BASIS, "dhr_case", CLEARED)


DECLARATIONS = {
    "Case": personal(
        {
            "date_of_death": case(SPECIAL, "Counting the review's statutory timescales"),
            "victim_summary": case(SPECIAL, "Who the review is about"),
            "perpetrator_summary": case(SPECIAL, "The alleged perpetrator and the circumstances"),
            "decision_rationale": case(FREE_TEXT, "Why a review was or was not commissioned"),
            "chair": case(IDENTITY, "The independent chair"),
        }
    ),
    "Extension": personal({"reason": case(FREE_TEXT, "Why a milestone moved")}),
    "PanelMember": personal(
        {"name": case(IDENTITY, "Who sits on the review panel"), "role_on_panel": case(ROLE, "Their role on it")},
        not_personal={"organisation_name": "The panel member's organisation"},
    ),
    "RelatedReview": personal({"notes": case(FREE_TEXT, "Links to other statutory reviews")}),
    "CaseDocument": personal({}, not_personal={"original_name": "The name of an uploaded file"}),
    "Recommendation": personal({"text": case(FREE_TEXT, "The review's recommendation")}),
    "AgencyAction": personal({"owner": case(IDENTITY, "Who owns the agency's action")}),
    "ActionUpdate": personal({"text": case(FREE_TEXT, "Progress on an agency action")}),
    "Escalation": personal(
        {"reason": case(FREE_TEXT, "Why an action was escalated"), "outcome": case(FREE_TEXT, "What came of it")}
    ),
    "AccessLog": personal(
        {
            "ip_address": PersonalField(
                TECHNICAL, "Who opened DHR material, from where", SECURITY, "dhr_access_log", "DHR-cleared users"
            ),
            "path": PersonalField(
                TECHNICAL, "Who opened DHR material, from where", SECURITY, "dhr_access_log", "DHR-cleared users"
            ),
        }
    ),
    "FundingYear": personal({}, not_personal={"notes": "Notes on partners' funding, naming organisations"}),
    "LessonEvent": personal({}, not_personal={"notes": "Notes on a learning event, naming no victim"}),
}
