"""Models of Domestic Homicide Reviews: cases, timescales, action plans, money, lessons and the access log."""

from .actions import ActionUpdate, AgencyAction, Escalation, Recommendation
from .cases import Case, CaseDocument, Extension, PanelMember, RelatedReview, TimescaleRule
from .log import AccessLog, AppendOnlyError
from .money import CaseCost, FundingContribution, FundingYear
from .other import AgendaLink, LessonEvent

__all__ = [
    "AccessLog",
    "ActionUpdate",
    "AgencyAction",
    "AgendaLink",
    "AppendOnlyError",
    "Case",
    "CaseCost",
    "CaseDocument",
    "Escalation",
    "Extension",
    "FundingContribution",
    "FundingYear",
    "LessonEvent",
    "PanelMember",
    "Recommendation",
    "RelatedReview",
    "TimescaleRule",
]
