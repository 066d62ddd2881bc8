"""Models of the Community Safety Agreement and its action plan."""

from .agreements import Agreement, Priority, Theme
from .plans import ActionPlan, PlanItem, PlanVersion, ProgressUpdate

__all__ = ["ActionPlan", "Agreement", "PlanItem", "PlanVersion", "Priority", "ProgressUpdate", "Theme"]
