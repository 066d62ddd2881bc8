"""Models of the Community Safety Agreement and its action plan."""

from .agreements import Agreement, Priority, Theme
from .indicators import Indicator, IndicatorValue
from .plans import ActionPlan, PlanItem, PlanVersion, ProgressUpdate

__all__ = [
    "ActionPlan",
    "Agreement",
    "Indicator",
    "IndicatorValue",
    "PlanItem",
    "PlanVersion",
    "Priority",
    "ProgressUpdate",
    "Theme",
]
