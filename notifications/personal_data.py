"""Personal data in notifications (the data map: kcsp/datamap.py)."""

from kcsp.datamap import CONTACT, PUBLIC_TASK, PersonalField, personal

DECLARATIONS = {
    "SentNotice": personal(
        {
            "recipient": PersonalField(
                CONTACT, "Not sending the same notice twice", PUBLIC_TASK, "notification", "Administrators"
            )
        }
    ),
}
