from django.urls import path

from . import views
from .exports import views as export_views
from .imports import views as import_views
from .what_worked import views as what_worked_views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", views.dashboard_current, name="dashboard_current"),
    path("dashboard/<slug:slug>/", views.dashboard, name="dashboard"),
    path("what-worked/<slug:slug>/", what_worked_views.what_worked_page, name="what_worked"),
    path(
        "what-worked/<slug:slug>/what-worked.csv",
        what_worked_views.what_worked_csv,
        name="what_worked_csv",
    ),
    path(
        "what-worked/<slug:slug>/what-worked.xlsx",
        what_worked_views.what_worked_xlsx,
        name="what_worked_xlsx",
    ),
    path(
        "what-worked/<slug:slug>/open-data.csv",
        what_worked_views.what_worked_open_data,
        name="what_worked_open_data",
    ),
    path(
        "what-worked/<slug:slug>/data-dictionary.csv",
        what_worked_views.what_worked_dictionary,
        name="what_worked_dictionary",
    ),
    path("areas/<str:reference>/request/", views.area_request, name="area_request"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("imports/", import_views.import_index, name="import_index"),
    path("imports/template.csv", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<int:pk>/retry/", import_views.import_retry, name="import_retry"),
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path(
        "exports/<int:pk>/progress/", export_views.export_job_progress, name="export_job_progress"
    ),
    path(
        "exports/<int:pk>/download/", export_views.export_job_download, name="export_job_download"
    ),
    path("exports/<int:pk>/retry/", export_views.export_job_retry, name="export_job_retry"),
    path("export/areas.csv", export_views.export_areas_csv, name="export_areas_csv"),
    path("export/areas.xlsx", export_views.export_areas_xlsx, name="export_areas_xlsx"),
    path("export/360giving.csv", export_views.export_360giving_csv, name="export_360giving_csv"),
    path("export/360giving.json", export_views.export_360giving_json, name="export_360giving_json"),
    path(
        "export/payment-run.csv", export_views.export_payment_run_csv, name="export_payment_run_csv"
    ),
    path(
        "export/payment-run.xlsx",
        export_views.export_payment_run_xlsx,
        name="export_payment_run_xlsx",
    ),
    # After the fixed names above, which these patterns would otherwise also match.
    path("export/<slug:dataset>.csv", export_views.export_dataset_csv, name="export_csv"),
    path("export/<slug:dataset>.xlsx", export_views.export_dataset_xlsx, name="export_xlsx"),
]
