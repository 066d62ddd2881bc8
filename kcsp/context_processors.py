"""Template context shared by every page."""

from .navigation import items_for


def navigation(request):
    return {"nav_items": items_for(request.user, request.path)}
