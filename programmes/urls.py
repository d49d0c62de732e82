from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("areas/", views.area_list, name="area_list"),
    path("my-areas/", views.my_areas, name="my_areas"),
    path("areas/<str:reference>/", views.area_detail, name="area_detail"),
    path("areas/<str:reference>/panel/<slug:name>/", views.area_panel, name="area_panel"),
    path(
        "areas/<str:reference>/panel/<slug:name>/<int:page>/",
        views.area_panel,
        name="area_panel_page",
    ),
    path("areas/<str:reference>/partners/add/", views.partner_add, name="partner_add"),
    path(
        "areas/<str:reference>/partners/options/",
        views.partner_options,
        name="partner_options",
    ),
    path("areas/<str:reference>/partners/<int:pk>/", views.partner_edit, name="partner_edit"),
    path(
        "areas/<str:reference>/partners/<int:pk>/remove/",
        views.partner_remove,
        name="partner_remove",
    ),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
]
