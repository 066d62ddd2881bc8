"""The meetings app's record types for retention (kcsp/governance/record_types.py): meetings and agendas, papers,
minutes, attendance, declarations, packs and download records, private annotations, memberships and office terms.

Signed minutes (meetings.SignedMinutes) with the meeting's attendance and declarations are frozen and the public
record (meetings/freeze.py): their record types never list a meeting whose minutes are signed and refuse to dispose
of one (DisposalRefused). Papers published on a public agenda are the public record too (meetings/retention/
business.py).
"""

from . import business, reading, record  # noqa: F401  (each registers its record types)
