"""OParl list pages (section 2-05): `data`, `pagination` and `links`, the filters kept in every link.

A page holds 50 objects (`limit` asks for fewer or up to 100; OParl lets a server ignore it). A page number past
the end, or not a number, is 404 (problem+json).
"""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .fields import MARKING


class OParlPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 100

    def link(self, number: int) -> str:
        url = self.request.build_absolute_uri()
        return (
            remove_query_param(url, self.page_query_param)
            if number == 1
            else replace_query_param(url, self.page_query_param, number)
        )

    def get_paginated_response(self, data, marked: bool = False):
        page, paginator = self.page, self.page.paginator
        links = {"first": self.link(1), "self": self.link(page.number), "last": self.link(paginator.num_pages)}
        if page.has_previous():
            links["prev"] = self.link(page.number - 1)
        if page.has_next():
            links["next"] = self.link(page.number + 1)
        body = {
            "data": data,
            "pagination": {
                "totalElements": paginator.count,
                "elementsPerPage": paginator.per_page,
                "currentPage": page.number,
                "totalPages": paginator.num_pages,
            },
            "links": links,
        }
        if marked:  # a restricted object on this page: the page says so first (issue 20)
            body = {MARKING: self.marking(), **body}
        return Response(body)

    def marking(self) -> str:
        from kcsp.marking import marking_line

        return marking_line()

    def get_paginated_response_schema(self, schema):
        integer = {"type": "integer"}
        uri = {"type": "string", "format": "uri"}
        return {
            "type": "object",
            "required": ["data", "pagination", "links"],
            "properties": {
                MARKING: {"type": "string"},
                "data": schema,
                "pagination": {
                    "type": "object",
                    "properties": {
                        k: integer for k in ("totalElements", "elementsPerPage", "currentPage", "totalPages")
                    },
                    "additionalProperties": False,
                },
                "links": {
                    "type": "object",
                    "properties": {k: uri for k in ("first", "prev", "self", "next", "last")},
                    "additionalProperties": False,
                },
            },
            "additionalProperties": False,
        }
