"""Subject-access packages (under /system/subject-access/): the data protection officer's pages."""

from django.urls import path

from . import sar_views

app_name = "subject_access"

urlpatterns = [
    path("", sar_views.PackageListView.as_view(), name="list"),
    path("new/", sar_views.PackageMakeView.as_view(), name="make"),
    path("<int:pk>/", sar_views.PackageDetailView.as_view(), name="detail"),
    path("<int:pk>/package.zip", sar_views.PackageDownloadView.as_view(), name="download"),
]
