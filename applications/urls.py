from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("apply/", views.apply, name="apply"),
    path("apply/<slug:round_slug>/", views.application_new, name="application_new"),
    path("applications/mine/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("assessment/", views.assessment_queue, name="assessment_queue"),
    path("stage-gates/", views.gate_queue, name="gate_queue"),
    path("stage-gates/<int:pk>/", views.gate_detail, name="gate_detail"),
    path("stage-gates/<int:pk>/edit/", views.gate_edit, name="gate_edit"),
    path("stage-gates/<int:pk>/evidence/<str:which>/", views.gate_evidence, name="gate_evidence"),
    path("areas/<str:reference>/stage-gates/new/", views.gate_new, name="gate_new"),
    path("areas/<str:reference>/extensions/new/", views.extension_new, name="extension_new"),
    path("areas/<str:reference>/leave/", views.area_leave, name="area_leave"),
    path("areas/<str:reference>/reinstate/", views.area_reinstate, name="area_reinstate"),
]
