"""Errors as RFC 9457 problem details (application/problem+json) that are also OParl error objects (2-09).

The body: {"type": "https://schema.oparl.org/1.1/Error", "title", "status", "detail", "message"} (`message`
is OParl's text for people; it equals `detail`), and for a bad query, "errors" naming each parameter and rule.
DRF's exception handler decides the status (400 bad query, 401 token, 404, 405, 429 with Retry-After).
No maintained add-on writes RFC 9457 for DRF (drf-problems' last release was 2022; drf-standardized-errors writes
its own shape), so this is DRF's documented hook, EXCEPTION_HANDLER.
"""

from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler

ERROR_TYPE = "https://schema.oparl.org/1.1/Error"
TITLES = {400: "Bad request", 401: "Unauthorised", 403: "Forbidden", 404: "Not found", 405: "Method not allowed"}
TITLES |= {406: "Not acceptable", 429: "Too many requests"}


def problem_body(status: int, detail: str, errors: dict | None = None) -> dict:
    body = {"type": ERROR_TYPE, "title": TITLES.get(status, "Error"), "status": status, "detail": detail}
    body["message"] = detail
    if errors:
        body["errors"] = errors
    return body


def _text(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_text(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(f"{key}: {_text(value)}" for key, value in detail.items())
    return str(detail)


def problem_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's 500 handling
    errors = None
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        errors = {
            key: [str(m) for m in (value if isinstance(value, list) else [value])] for key, value in exc.detail.items()
        }
        detail = "The query is not valid: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    elif isinstance(exc, exceptions.NotFound | Http404):
        detail = "There is no such object or page, or it is not yours to see."
    else:
        detail = _text(getattr(exc, "detail", exc))
    response.data = problem_body(response.status_code, detail, errors)
    response.content_type = "application/problem+json"
    return response


class ProblemSerializer(serializers.Serializer):
    """The error body, for the generated document (every operation's 400, 401, 404 and 429)."""

    type = serializers.CharField(help_text=ERROR_TYPE)
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    message = serializers.CharField(help_text="OParl 2-09: the same text, for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="A bad query: each parameter with what is wrong with it.",
    )


def problem_responses(ok) -> dict:
    """An operation's documented answers: `ok` for 200 and a problem for each error it can give."""
    from drf_spectacular.utils import OpenApiResponse

    problem = OpenApiResponse(ProblemSerializer, description="application/problem+json")
    return {200: ok, 400: problem, 401: problem, 404: problem, 429: problem}
