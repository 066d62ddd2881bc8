"""Personal data held by the partnership core (the data map: kcsp/datamap.py)."""

from .datamap import CONTACT, IDENTITY, PUBLIC_TASK, ROLE, SECURITY, TECHNICAL, PersonalField, personal

ACCOUNT = "The person, administrators"
NAMING = "Naming people in papers and minutes"
DIRECTORY = "Every signed-in role (the directory); officers and administrators edit it"

DECLARATIONS = {
    "User": personal(
        {
            "email": PersonalField(CONTACT, "Signing in, password reset and notices", PUBLIC_TASK, "person", ACCOUNT),
            "full_name": PersonalField(IDENTITY, "Naming the account holder", PUBLIC_TASK, "person", ACCOUNT),
            "last_login": PersonalField(TECHNICAL, "Account security", SECURITY, "session", "Administrators"),
        }
    ),
    "Person": personal(
        {
            "title": PersonalField(IDENTITY, NAMING, PUBLIC_TASK, "person", DIRECTORY),
            "initials": PersonalField(IDENTITY, NAMING, PUBLIC_TASK, "person", DIRECTORY),
            "forenames": PersonalField(IDENTITY, "Naming people in the directory", PUBLIC_TASK, "person", DIRECTORY),
            "surname": PersonalField(IDENTITY, NAMING, PUBLIC_TASK, "person", DIRECTORY),
            "post_nominals": PersonalField(IDENTITY, "Naming people as they ask", PUBLIC_TASK, "person", DIRECTORY),
            "job_title": PersonalField(ROLE, "Who represents which partner", PUBLIC_TASK, "person", DIRECTORY),
            "email": PersonalField(CONTACT, "Sending papers and notices", PUBLIC_TASK, "person", DIRECTORY),
        }
    ),
    "Organisation": personal(
        {}, not_personal={"name": "An organisation's name", "short_name": "An organisation's abbreviation"}
    ),
    "FileDownload": personal(
        {
            "ip_address": PersonalField(
                TECHNICAL, "Tracing who downloaded restricted material", SECURITY, "pack", "Administrators"
            ),
            "downloaded_at": PersonalField(
                TECHNICAL, "Tracing who downloaded restricted material", SECURITY, "pack", "Administrators"
            ),
        },
        not_personal={"filename": "The name of the file sent"},
    ),
    "EnrolmentCode": personal(
        {"used_at": PersonalField(TECHNICAL, "Two-factor enrolment", SECURITY, "session", "Administrators")}
    ),
}
