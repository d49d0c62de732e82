from django.urls import path

from .views import answer, staff

app_name = "surveys"

urlpatterns = [
    path("", staff.survey_list, name="survey_list"),
    path("standard/", staff.standard_create, name="standard_create"),
    path("<int:pk>/", staff.survey_detail, name="survey_detail"),
    path("<int:pk>/settings/", staff.survey_settings, name="survey_settings"),
    path("<int:pk>/move/<slug:move>/", staff.survey_move, name="survey_move"),
    path("<int:pk>/partners/invite/", staff.partner_invite, name="partner_invite"),
    path("<int:pk>/results/", staff.survey_results, name="survey_results"),
    path("<int:pk>/compare/", staff.survey_compare, name="survey_compare"),
    path("<int:pk>/export.csv", staff.survey_export_csv, name="survey_export_csv"),
    path("invitations/<int:pk>/revoke/", staff.invitation_revoke, name="invitation_revoke"),
    path("mine/", answer.my_surveys, name="my_surveys"),
    path("answer/<int:pk>/", answer.answer, name="answer"),
    path("r/<str:token>/", answer.answer_link, name="answer_link"),
]
