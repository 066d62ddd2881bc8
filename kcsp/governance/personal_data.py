"""Personal data in information governance (the data map: kcsp/datamap.py)."""

from kcsp.datamap import FREE_TEXT, IDENTITY, LEGAL_OBLIGATION, PersonalField, personal

DPO_ONLY = "The data protection officer"
HOLD_REASON = PersonalField(FREE_TEXT, "Why a record is kept past its period", LEGAL_OBLIGATION, "governance", DPO_ONLY)

DECLARATIONS = {
    "LegalHold": personal(
        {"reason": HOLD_REASON, "lift_reason": HOLD_REASON},
        not_personal={"label": "A record's title or a DHR case's pseudonym, never a person's name"},
    ),
    "DisposalCandidate": personal(
        {}, not_personal={"label": "A title or pseudonym (its record type's label: kcsp/governance/record_types.py)"}
    ),
    "DisposalRecord": personal(
        {
            # The approver's user name (their e-mail address), kept as text: it outlives the account.
            "approved_by": PersonalField(
                IDENTITY, "Who approved a disposal (the audit trace)", LEGAL_OBLIGATION, "governance", DPO_ONLY
            ),
        },
        not_personal={"label": "A title or pseudonym (its record type's label: kcsp/governance/record_types.py)"},
    ),
    "SubjectAccessPackage": personal(
        {
            "subject_email": PersonalField(
                IDENTITY, "Answering a subject-access request", LEGAL_OBLIGATION, "subject_access", DPO_ONLY
            ),
            "subject_label": PersonalField(
                IDENTITY, "Answering a subject-access request", LEGAL_OBLIGATION, "subject_access", DPO_ONLY
            ),
            "subject_person": PersonalField(
                IDENTITY, "Answering a subject-access request", LEGAL_OBLIGATION, "subject_access", DPO_ONLY
            ),
        }
    ),
    "RetentionRule": personal({}),
}
