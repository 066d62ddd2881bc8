"""Personal data in API tokens and calendar feeds (the data map: kcsp/datamap.py)."""

from kcsp.datamap import SECURITY, TECHNICAL, PersonalField, personal

DECLARATIONS = {
    "ApiToken": personal(
        {"last_used_at": PersonalField(TECHNICAL, "Spotting unused tokens", SECURITY, "api_token", "Its holder")},
        not_personal={"name": "The label the holder gave the token"},
    ),
}
