"""URLs of the OParl API, under /api/v1/: the System, the Body, a list and a stable address per object, each
file's access and download addresses, the generated OpenAPI document and its reader."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import views
from .resources import RESOURCES

app_name = "api"

urlpatterns = [
    path("", views.SystemView.as_view(), name="system"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:openapi", template_name="api/docs.html"),
        name="docs",
    ),
    path("body/", views.BodyListView.as_view(), name="body-list"),
    path("body/<str:pk>", views.BodyDetailView.as_view(), name="body-detail"),
    path("file/<str:pk>/access", views.FileOpenView.as_view(inline=True), name="file-access"),
    path("file/<str:pk>/download", views.FileOpenView.as_view(inline=False), name="file-download"),
]
for _name, _resource in RESOURCES.items():
    urlpatterns += [
        path(f"{_name}/", views.list_view(_resource).as_view(), name=f"{_name}-list"),
        path(f"{_name}/<str:pk>", views.detail_view(_resource).as_view(), name=f"{_name}-detail"),
    ]
urlpatterns.append(re_path(r"^(?P<rest>.*)$", views.NotFoundView.as_view(), name="not-found"))
