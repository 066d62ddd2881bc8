"""The read-only JSON API: lists with pages and stable URLs, one object each; Bearer tokens or the public."""

import json
import re

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, JsonResponse
from django.views import View

from kcsp.marking import marking_line

from .auth import BadToken, api_user
from .resources import BODY_ID, RESOURCES, Writer, body_json
from .schema import openapi

PER_PAGE = 50


def is_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts superscripts that int() refuses."""
    return bool(re.fullmatch(r"[0-9]+", text))


def problem(status: int, title: str, detail: str = "") -> JsonResponse:
    response = JsonResponse({"status": status, "title": title, "detail": detail}, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


class ApiView(View):
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        try:
            request.api_user = api_user(request)
        except BadToken as error:
            response = problem(401, "Unauthorised", str(error))
            response["WWW-Authenticate"] = 'Bearer realm="kcsp"'
            return response
        try:
            response = super().dispatch(request, *args, **kwargs)
        except Http404:
            response = problem(404, "Not found")
        response["Cache-Control"] = "private, no-store" if "Authorization" in request.headers else "public, max-age=60"
        response["Vary"] = "Authorization"
        return response


class SystemView(ApiView):
    def get(self, request):
        w = Writer(request)
        return JsonResponse(
            {
                "id": w.url("api:system"),
                "type": "https://schema.oparl.org/1.1/System",
                "oparlVersion": "https://schema.oparl.org/1.1/",
                "name": "Kent Community Safety Partnership",
                "body": w.url("api:body-list"),
                "openapi": w.url("api:openapi"),
            }
        )


class BodyListView(ApiView):
    def get(self, request):
        return JsonResponse(page_json(request, [body_json(Writer(request))], 1, 1))


class BodyDetailView(ApiView):
    def get(self, request, pk):
        if pk != BODY_ID:
            raise Http404
        return JsonResponse(body_json(Writer(request)))


def page_json(request, data: list, number: int, pages: int, total: int | None = None) -> dict:
    base = request.build_absolute_uri(request.path)
    others = "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page")

    def link(n):
        return f"{base}?{others + '&' if others else ''}page={n}"

    links = {"first": link(1), "last": link(pages), "self": link(number)}
    if number > 1:
        links["prev"] = link(number - 1)
    if number < pages:
        links["next"] = link(number + 1)
    return {
        "data": data,
        "pagination": {
            "totalElements": len(data) if total is None else total,
            "elementsPerPage": PER_PAGE,
            "currentPage": number,
            "totalPages": pages,
        },
        "links": links,
    }


class ResourceListView(ApiView):
    resource = None

    def get(self, request):
        resource = RESOURCES[self.resource]
        rows = resource.rows(request.api_user)
        for parameter, lookup in resource.filters.items():
            value = request.GET.get(parameter)
            if value is not None:
                if not is_number(value):
                    return problem(400, "Bad request", f"{parameter} must be a number")
                rows = rows.filter(**{lookup: int(value)})
        if hasattr(rows, "order_by"):
            rows = rows.order_by("pk")
        paginator = Paginator(rows, PER_PAGE, allow_empty_first_page=True)
        try:
            page = paginator.page(request.GET.get("page", 1))
        except (InvalidPage, ValueError, TypeError):
            return problem(404, "Not found", "There is no such page.")
        w = Writer(request)
        data = [resource.write(w, row) for row in page.object_list]
        body = page_json(request, data, page.number, paginator.num_pages, paginator.count)
        if w.marked:  # a restricted object on this page: the page says so first (issue 20)
            body = {"protectiveMarking": marking_line(), **body}
        return JsonResponse(body)


class ResourceDetailView(ApiView):
    resource = None

    def get(self, request, pk):
        resource = RESOURCES[self.resource]
        rows = resource.rows(request.api_user)
        if hasattr(rows, "get") and not hasattr(rows, "filter"):
            row = rows.get(pk)
        else:
            row = rows.filter(pk=int(pk)).first() if is_number(pk) else None
        if row is None:
            raise Http404
        return JsonResponse(resource.write(Writer(request), row))


class OpenApiView(ApiView):
    def get(self, request):
        return JsonResponse(json.loads(json.dumps(openapi(request.build_absolute_uri("/api/v1")))))
