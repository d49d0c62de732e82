from django.urls import path

from .views import admission, areas, assessment, assessors, gates

app_name = "applications"
urlpatterns = [
    path("register/", admission.register, name="register"),
    path("apply/", admission.apply, name="apply"),
    path("apply/<slug:round_slug>/", admission.application_new, name="application_new"),
    path("applications/mine/", admission.my_applications, name="my_applications"),
    path("applications/<int:pk>/", assessment.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", admission.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", admission.application_submit, name="application_submit"),
    # One URL per action on an application: each is a POST with its own view.
    path("applications/<int:pk>/start/", assessment.application_start, name="application_start"),
    path("applications/<int:pk>/score/", assessment.application_score, name="application_score"),
    path("applications/<int:pk>/decide/", assessment.application_decide, name="application_decide"),
    path(
        "applications/<int:pk>/withdraw/",
        assessment.application_withdraw,
        name="application_withdraw",
    ),
    path("assessment/", admission.assessment_queue, name="assessment_queue"),
    # Assessors and conflicts of interest (GovS 015).
    path("assessment/assign/", assessors.assessors_assign_bulk, name="assessors_assign_bulk"),
    path("assessors/<str:kind>/<int:pk>/", assessors.assessors, name="assessors"),
    path("assessors/<str:kind>/<int:pk>/declare/", assessors.declare, name="declare"),
    path(
        "assessors/assignments/<int:pk>/remove/",
        assessors.assessor_remove,
        name="assessor_remove",
    ),
    path(
        "rounds/<slug:slug>/declarations/",
        assessors.declaration_register,
        name="declaration_register",
    ),
    path("rounds/<slug:slug>/moderation/", assessors.moderation, name="moderation"),
    path("stage-gates/", gates.gate_queue, name="gate_queue"),
    path("stage-gates/<int:pk>/", gates.gate_detail, name="gate_detail"),
    path("stage-gates/<int:pk>/edit/", gates.gate_edit, name="gate_edit"),
    path("stage-gates/<int:pk>/submit/", gates.gate_submit, name="gate_submit"),
    path("stage-gates/<int:pk>/decide/", gates.gate_decide, name="gate_decide"),
    path("stage-gates/<int:pk>/withdraw/", gates.gate_withdraw, name="gate_withdraw"),
    path("stage-gates/<int:pk>/evidence/<str:which>/", gates.gate_evidence, name="gate_evidence"),
    path("areas/<str:reference>/stage-gates/new/", gates.gate_new, name="gate_new"),
    path("areas/<str:reference>/extensions/new/", areas.extension_new, name="extension_new"),
    path("areas/<str:reference>/leave/", areas.area_leave, name="area_leave"),
    path("areas/<str:reference>/reinstate/", areas.area_reinstate, name="area_reinstate"),
]
