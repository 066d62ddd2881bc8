"""URLs of the JSON API, under /api/v1/: each OParl object has a list and a stable address per object."""

from django.urls import path

from . import views
from .resources import RESOURCES

app_name = "api"

urlpatterns = [
    path("", views.SystemView.as_view(), name="system"),
    path("openapi.json", views.OpenApiView.as_view(), name="openapi"),
    path("body/", views.BodyListView.as_view(), name="body-list"),
    path("body/<str:pk>", views.BodyDetailView.as_view(), name="body-detail"),
]
for _name in RESOURCES:
    urlpatterns += [
        path(f"{_name}/", views.ResourceListView.as_view(resource=_name), name=f"{_name}-list"),
        path(f"{_name}/<str:pk>", views.ResourceDetailView.as_view(resource=_name), name=f"{_name}-detail"),
    ]
