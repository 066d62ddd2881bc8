"""URLs of the agreement and action plan, under /agreement/."""

from django.urls import path

from . import indicator_views, views
from . import structure_views as structure

app_name = "agreement"

urlpatterns = [
    path("", views.AgreementListView.as_view(), name="agreement_list"),
    path("<int:year>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("new/", structure.AgreementCreateView.as_view(), name="agreement_create"),
    path("<int:year>/edit/", structure.AgreementEditView.as_view(), name="agreement_edit"),
    path("<int:year>/publish/", structure.AgreementPublishView.as_view(), name="agreement_publish"),
    path("<int:year>/next-year/", structure.AgreementCopyView.as_view(), name="agreement_copy"),
    path("<int:year>/structure/", structure.StructureView.as_view(), name="agreement_structure"),
    path("<int:year>/priorities/new/", structure.PriorityCreateView.as_view(), name="priority_create"),
    path("priorities/<int:pk>/edit/", structure.PriorityEditView.as_view(), name="priority_edit"),
    path("priorities/<int:pk>/move/<str:direction>/", structure.PartMoveView.as_view(), name="priority_move"),
    path("priorities/<int:pk>/remove/", structure.PartRemoveView.as_view(), name="priority_remove"),
    path("<int:year>/themes/new/", structure.ThemeCreateView.as_view(), name="theme_create"),
    path("themes/<int:pk>/edit/", structure.ThemeEditView.as_view(), name="theme_edit"),
    path("themes/<int:pk>/move/<str:direction>/", structure.ThemeMoveView.as_view(), name="theme_move"),
    path("themes/<int:pk>/remove/", structure.ThemeRemoveView.as_view(), name="theme_remove"),
    path("<int:year>/plan/new/", structure.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/edit/", structure.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/new-draft/", views.NewDraftView.as_view(), name="new_draft"),
    path("versions/<int:pk>/", views.VersionDetailView.as_view(), name="version_detail"),
    path("versions/<int:pk>/items/new/", views.ItemCreateView.as_view(), name="item_create"),
    path("versions/<int:pk>/publish/", views.VersionPublishView.as_view(), name="version_publish"),
    path("versions/<int:pk>/export.<str:fmt>", views.PlanExportView.as_view(), name="plan_export"),
    path("versions/<int:pk>/plan.pdf", views.PlanPdfView.as_view(), name="plan_pdf"),
    path("versions/<int:pk>/plan.pdf/build/", views.PlanPdfBuildView.as_view(), name="plan_pdf_build"),
    path("versions/<int:pk>/import/", views.PlanImportView.as_view(), name="plan_import"),
    path("versions/<int:pk>/import/confirm/", views.PlanImportConfirmView.as_view(), name="plan_import_confirm"),
    path("versions/<int:pk>/exceptions/", views.ExceptionReportView.as_view(), name="exception_report"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/move/<str:direction>/", views.ItemMoveView.as_view(), name="item_move"),
    path("items/<int:pk>/retire/", views.ItemRetireView.as_view(), name="item_retire"),
    path("<int:year>/indicators/", indicator_views.IndicatorListView.as_view(), name="indicator_list"),
    path("<int:year>/indicators/new/", indicator_views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("<int:year>/indicators/values/", indicator_views.IndicatorGridView.as_view(), name="indicator_grid"),
    path("<int:year>/indicators/import/", indicator_views.IndicatorImportView.as_view(), name="indicator_import"),
    path(
        "<int:year>/indicators/import/confirm/",
        indicator_views.IndicatorImportConfirmView.as_view(),
        name="indicator_import_confirm",
    ),
    path("indicators/<int:pk>/", indicator_views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("indicators/<int:pk>/edit/", indicator_views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/retire/", indicator_views.IndicatorRetireView.as_view(), name="indicator_retire"),
    path("indicators/<int:pk>/unretire/", indicator_views.IndicatorUnretireView.as_view(), name="indicator_unretire"),
    path(
        "indicators/<int:pk>/values/new/",
        indicator_views.IndicatorValueCreateView.as_view(),
        name="indicator_value_create",
    ),
    path("items/<int:pk>/updates/new/", views.ProgressCreateView.as_view(), name="progress_create"),
]
