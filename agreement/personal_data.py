"""Personal data in the partnership agreement and action plan (the data map: kcsp/datamap.py)."""

from kcsp.datamap import FREE_TEXT, IDENTITY, PUBLIC_TASK, PersonalField, personal

PLAN_READERS = "Everyone once published; drafts and internal updates to signed-in roles"

DECLARATIONS = {
    "Priority": personal({}, not_personal={"name": "A priority's name"}),
    "Theme": personal({}, not_personal={"name": "A theme's name"}),
    "Indicator": personal({}, not_personal={"name": "An indicator's name"}),
    "PlanItem": personal(
        {"lead_text": PersonalField(IDENTITY, "Who leads the plan item", PUBLIC_TASK, "plan", PLAN_READERS)}
    ),
    "ProgressUpdate": personal(
        {"narrative": PersonalField(FREE_TEXT, "Progress reported on the plan", PUBLIC_TASK, "plan", PLAN_READERS)}
    ),
}
