"""Models of the meetings app, one module per part of committee business."""

from .agenda_setup import CommitteeSection, StandardItem
from .attendance import Attendance, Declaration
from .committees import Committee, Membership, OfficeTerm, TermsOfReference
from .forward_plan import ForwardPlanEntry
from .meetings import AgendaItem, Meeting, MeetingStatusChange
from .minutes import Action, Minute, MinuteAmendment
from .packs import Pack, PackContent, PackRead, PackWithdrawal
from .papers import Appendix, Paper, PaperSection
from .reader import Annotation
from .record import Erratum, SignedMinutes

__all__ = [
    "Action",
    "AgendaItem",
    "Annotation",
    "Appendix",
    "Attendance",
    "Committee",
    "CommitteeSection",
    "Declaration",
    "Erratum",
    "ForwardPlanEntry",
    "Meeting",
    "MeetingStatusChange",
    "Membership",
    "Minute",
    "MinuteAmendment",
    "OfficeTerm",
    "Pack",
    "PackContent",
    "PackRead",
    "PackWithdrawal",
    "Paper",
    "PaperSection",
    "SignedMinutes",
    "StandardItem",
    "TermsOfReference",
]
