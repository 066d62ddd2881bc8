"""The OParl 1.1 API on Django REST framework: System, Body, a list and an object URL for every type, files.

Every list takes OParl's filters (created_since, created_until, modified_since, modified_until: full date-times,
section 2-05) and its own (a meeting's items, a committee's meetings); a bad value is a 400 problem naming it.
With modified_since, objects deleted since then follow the live ones as {"deleted": true} (section 2-08); an
object's own URL keeps answering 200 with deleted: true. Who sees what: api/sources.py and api/files.py.
Responses for a token holder are private (no-store); for the public, cacheable for a minute.
"""

import re

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings import access

from .dates import parse
from .documents import BodySerializer, FileSerializer, Static, SystemSerializer
from .fields import deleted_json
from .models import DeletedObject
from .paging import OParlPagination
from .problems import problem_responses
from .resources import RESOURCES, Resource

# A DeletedObject's key ("12", "org-3", "paper-12", "minutes-4-public"): anything else (a NUL, which PostgreSQL
# refuses in a string, or junk) is not looked up, and is 404.
DELETED_KEY = re.compile(r"[a-z0-9-]{1,40}")


class FullDateTime(serializers.DateTimeField):
    """A full date-time with its offset, as OParl's filters expect (2-05 "vollständige date-time-Angabe"): a bare
    date or a time without offset is refused rather than guessed. A "+" sent unencoded arrives as a space and is
    read as "+"."""

    default_error_messages = {
        "invalid": "Give a full date-time with its offset, for example 2026-01-01T00:00:00+00:00 "
        "(write + as %2B in a URL)."
    }

    def to_internal_value(self, value):
        try:
            return parse(str(value))
        except ValueError:
            self.fail("invalid")


def _filter(help_text: str):
    return FullDateTime(required=False, help_text=help_text)


class ListQuery(serializers.Serializer):
    """OParl's list filters (2-05): full date-times with their offset; each bound inclusive."""

    created_since = _filter("Objects created at or after this date-time.")
    created_until = _filter("Objects created at or before this date-time.")
    modified_since = _filter("Objects changed at or after this date-time; deleted ones too (deleted: true).")
    modified_until = _filter("Objects changed at or before this date-time.")
    page = serializers.IntegerField(required=False, min_value=1, help_text="The page, from 1.")
    limit = serializers.IntegerField(
        required=False, min_value=1, help_text="Objects a page: 50 unless asked, at most 100 (a larger ask gets 100)."
    )

    def validate(self, values):
        for since, until in (("created_since", "created_until"), ("modified_since", "modified_until")):
            if since in values and until in values and values[since] > values[until]:
                raise serializers.ValidationError({until: [f"{until} must not be before {since}."]})
        return values


class OParlView(APIView):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if "Cache-Control" not in response:
            private = "Authorization" in request.headers
            response["Cache-Control"] = "private, no-store" if private else "public, max-age=60"
        response["Vary"] = "Authorization"
        # OParl 2-06: any web page may read the API from its own scripts. No cookies are read here (tokens only),
        # so "*" opens nothing a page's visitor is signed in to.
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Headers"] = "Authorization"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Expose-Headers"] = "Content-Disposition, Retry-After"
        return response


class NotFoundView(OParlView):
    """Any other address under /api/v1/: a 404 problem, like an unknown object."""

    @extend_schema(exclude=True)
    def get(self, request, rest=""):
        raise Http404


class SystemView(OParlView):
    @extend_schema(responses=SystemSerializer, summary="The OParl System: the entry point")
    def get(self, request):
        return Response(SystemSerializer(Static(), context={"request": request}).data)


class BodyListView(OParlView, GenericAPIView):
    pagination_class = OParlPagination
    serializer_class = BodySerializer

    @extend_schema(
        responses=problem_responses(BodySerializer(many=True)), operation_id="body_list", parameters=[ListQuery]
    )
    def get(self, request):
        from .resources import within

        query = ListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        dates = {k: v for k, v in query.validated_data.items() if k not in ("page", "limit")}
        rows = self.paginate_queryset([Static()] if within(Static.oparl_created, Static.oparl_modified, dates) else [])
        data = [body_json(request) for _ in rows]
        return self.get_paginated_response(data)


class BodyDetailView(OParlView):
    @extend_schema(responses=problem_responses(BodySerializer))
    def get(self, request, pk):
        if pk != Static.pk:
            raise Http404
        return Response(body_json(request))


def body_json(request) -> dict:
    from .sources import terms

    return BodySerializer(Static(), context={"request": request, "terms": terms(request.user)}).data


def tombstones(resource: Resource, user, dates: dict):
    """The deleted objects of this type the user may learn of, deleted since `modified_since`."""
    rows = DeletedObject.objects.filter(oparl_type=resource.name)
    if "modified_since" in dates:
        rows = rows.filter(deleted_at__gte=dates["modified_since"])
    if "modified_until" in dates:
        rows = rows.filter(deleted_at__lte=dates["modified_until"])
    if "created_since" in dates:
        rows = rows.filter(created__gte=dates["created_since"])
    if "created_until" in dates:
        rows = rows.filter(created__lte=dates["created_until"])
    if not access.is_staff(user):
        mine = access.member_committee_ids(user)
        rows = rows.filter(public=True) | rows.filter(committee_id__in=mine) if mine else rows.filter(public=True)
    return rows.order_by("pk")


class Chain:
    """Live rows then deleted ones, as one sequence a paginator can count and slice."""

    def __init__(self, *parts):
        self.parts = parts
        self._counts = None

    def count(self) -> int:
        if self._counts is None:
            self._counts = [len(part) if isinstance(part, list) else part.count() for part in self.parts]
        return sum(self._counts)

    def __len__(self):
        return self.count()

    def __getitem__(self, index: slice):
        self.count()
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        out, offset = [], 0
        for part, size in zip(self.parts, self._counts, strict=True):
            if stop > offset and start < offset + size:
                out.extend(part[max(start - offset, 0) : min(stop - offset, size)])
            offset += size
        return out


class ResourceListView(OParlView, GenericAPIView):
    resource: Resource = None
    pagination_class = OParlPagination

    def get(self, request):
        resource = self.resource
        query = resource.query(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        dates = {k: v for k, v in values.items() if k in ListQuery().fields and k not in ("page", "limit")}
        rows = resource.narrow(resource.rows(request.user), values, dates)
        if "modified_since" in dates:
            rows = Chain(rows, tombstones(resource, request.user, dates))
        page = self.paginate_queryset(rows)
        context = {"request": request}
        live = [row for row in page if not isinstance(row, DeletedObject)]
        resource.prepare(live, context, request.user)
        data = [
            deleted_json(context, resource.view, resource.oparl_type, row)
            if isinstance(row, DeletedObject)
            else resource.serializer(row, context=context).data
            for row in page
        ]
        return self.paginator.get_paginated_response(data, marked=context.get("marked", False))


class ResourceDetailView(OParlView):
    resource: Resource = None

    def get(self, request, pk):
        resource = self.resource
        row = resource.get(request.user, pk)
        context = {"request": request}
        if row is None:
            gone = tombstones(resource, request.user, {}).filter(key=pk).first() if DELETED_KEY.fullmatch(pk) else None
            if gone is None:
                raise Http404
            return Response(deleted_json(context, resource.view, resource.oparl_type, gone))
        resource.prepare([row], context, request.user)
        return Response(resource.serializer(row, context=context).data)


class FileOpenView(OParlView):
    """A file through the site's guarded download path (api/files.py file_send_for): `inline` for accessUrl."""

    inline = True

    @extend_schema(
        responses={**problem_responses(None), 200: OpenApiResponse(OpenApiTypes.BINARY, description="The file")}
    )
    def get(self, request, pk):
        from .files import file_send_for

        return file_send_for(request._request, pk, inline=self.inline)


def list_view(resource: Resource):
    """The list view of one resource, described to the schema generator with its own filters and objects."""

    def get(self, request):
        return ResourceListView.get(self, request)  # one function per view: the schema reads its own notes

    documented = extend_schema(parameters=[resource.query], responses=problem_responses(resource.serializer(many=True)))
    attributes = {"resource": resource, "serializer_class": resource.serializer, "get": documented(get)}
    return type(f"{resource.oparl_type}ListView", (ResourceListView,), attributes)


def detail_view(resource: Resource):
    def get(self, request, pk):
        return ResourceDetailView.get(self, request, pk)

    documented = extend_schema(responses=problem_responses(resource.serializer))
    return type(
        f"{resource.oparl_type}DetailView", (ResourceDetailView,), {"resource": resource, "get": documented(get)}
    )


__all__ = ["RESOURCES", "FileSerializer", "list_view", "detail_view"]
