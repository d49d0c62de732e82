from django.urls import path

from . import views

app_name = "earlywarning"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<slug:slug>/", views.round_list, name="round_list"),
]
