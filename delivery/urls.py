from django.urls import path

from . import views

app_name = "delivery"
urlpatterns = [
    path("returns/", views.returns_list, name="returns_list"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/review/", views.return_review, name="return_review"),
    path("areas/<str:reference>/returns/", views.area_returns, name="area_returns"),
    path("areas/<str:reference>/funding/", views.area_funding, name="area_funding"),
    path("funding/<int:pk>/edit/", views.funding_edit, name="funding_edit"),
    path("funding/<int:pk>/delete/", views.funding_delete, name="funding_delete"),
    path("areas/<str:reference>/cba-outturn/", views.area_outturn, name="area_outturn"),
    path("outturn/<int:pk>/edit/", views.outturn_edit, name="outturn_edit"),
    path("outturn/<int:pk>/delete/", views.outturn_delete, name="outturn_delete"),
    path(
        "areas/<str:reference>/making-it-happen/",
        views.area_making_it_happen,
        name="area_making_it_happen",
    ),
    path(
        "areas/<str:reference>/making-it-happen/commitments/",
        views.commitment_add,
        name="commitment_add",
    ),
    path("commitments/<int:pk>/<str:move>/", views.commitment_move, name="commitment_move"),
]
