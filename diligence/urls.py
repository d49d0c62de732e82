from django.urls import path

from . import views

app_name = "diligence"

urlpatterns = [
    path("", views.diligence_list, name="list"),
    path("organisation/<int:org_pk>/", views.organisation_page, name="organisation"),
    path("organisation/<int:org_pk>/start/", views.start, name="start"),
    path(
        "organisation/<int:org_pk>/duplicates/<int:pk>/resolve/",
        views.duplicate_resolve,
        name="duplicate_resolve",
    ),
    path("<int:pk>/details/", views.details, name="details"),
    path("<int:pk>/registers/", views.register_check, name="register_check"),
    path(
        "<int:pk>/registers/<int:check_pk>/remove/",
        views.register_check_remove,
        name="register_check_remove",
    ),
    path("<int:pk>/documents/", views.document, name="document"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/documents/<int:doc_pk>/remove/", views.document_remove, name="document_remove"),
    path("<int:pk>/move/<str:move>/", views.move, name="move"),
    path("<int:pk>/risk-decision/", views.risk_decision, name="risk_decision"),
]
