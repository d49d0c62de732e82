from django.urls import path

from . import views

app_name = "closure"
urlpatterns = [
    path("", views.closure_list, name="closure_list"),
    path("areas/<str:reference>/", views.area_closure, name="area_closure"),
    path("areas/<str:reference>/start/", views.closure_start, name="closure_start"),
    path("areas/<str:reference>/close/", views.closure_close, name="closure_close"),
    path("areas/<str:reference>/correct/", views.closure_correct, name="closure_correct"),
    path("reconciliations/<int:pk>/", views.reconcile, name="reconcile"),
    path("unspent/<int:pk>/receive/", views.unspent_receive, name="unspent_receive"),
    path("unspent/<int:pk>/<str:move>/", views.unspent_move, name="unspent_move"),
]
