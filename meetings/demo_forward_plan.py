"""Demo forward plan of the KCSP after its July 2022 meeting, from what the March 2022 notes and the July pack say is
coming: the yearly mental health update and the Vision Zero update in March 2023 (minutes 54 and 56), the standing
Community Safety Agreement update and the restricted Prevent update at the November meeting (no meeting arranged yet,
so by month)."""

from kcsp.models import Person

from .models import Committee, ForwardPlanEntry

ENTRIES = [
    # title, purpose, lead person key, lead as the papers name them, month, restriction reason
    (
        "Kent Community Safety Agreement and Action Plan Update",
        "information",
        "peerbux",
        "Shafick Peerbux - Head of Community Safety, KCC",
        "2022-11-01",
        "",
    ),
    (
        "Kent and Medway PREVENT Duty Delivery Board Update",
        "information",
        None,
        "Kent & Medway Prevent & Channel Strategic Manager",
        "2022-11-01",
        "prevent",
    ),
    ("Kent Police and Crime Commissioners response to Mental Health", "information", "harper", "", "2023-03-01", ""),
    ("Zero Casualty Strategy Update", "information", "mcmullan", "", "2023-03-01", ""),
]


def demo_forward_plan_load(people: dict[str, Person], clock) -> None:
    """Business the papers expect, by month, moved with the demo's timeline (kcsp/demo_clock.py)."""
    committee = Committee.objects.get(slug="kcsp")
    for title, purpose, person, lead_text, month, reason in ENTRIES:
        ForwardPlanEntry.objects.update_or_create(
            committee=committee,
            title=title,
            defaults={
                "purpose": purpose,
                "lead_person": people[person] if person else None,
                "lead_text": lead_text,
                "expected_month": clock.day(month[:8] + "15").replace(day=1),
                "restriction_reason": reason,
            },
        )
