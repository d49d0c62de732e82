from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("my-areas/", views.my_areas, name="my_areas"),
    path("follow-ups/", views.followup_list, name="followup_list"),
    path("follow-ups/<int:pk>/done/", views.followup_done, name="followup_done"),
    path("areas/<str:reference>/", views.area_support, name="area_support"),
    path("areas/<str:reference>/log/", views.contact_log, name="contact_log"),
    path(
        "areas/<str:reference>/contacts/<int:pk>/resolve-risk/",
        views.risk_resolve,
        name="risk_resolve",
    ),
    path("areas/<str:reference>/adviser-days/", views.adviser_days, name="adviser_days"),
    path("adviser-days/<int:pk>/edit/", views.booking_edit, name="booking_edit"),
    path("adviser-days/<int:pk>/<str:move>/", views.booking_move, name="booking_move"),
    path("advisers/", views.adviser_list, name="adviser_list"),
    path("advisers/<int:pk>/", views.adviser_edit, name="adviser_edit"),
    path("areas/<str:reference>/relationship-manager/", views.assignment, name="assignment"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/invite/", views.event_invite, name="event_invite"),
    path("events/<int:pk>/attendance/", views.attendance, name="attendance"),
]
