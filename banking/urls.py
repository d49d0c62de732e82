from django.urls import path

from . import views

app_name = "banking"
urlpatterns = [
    path("changes/", views.pending_changes, name="pending"),
    path("organisations/<int:pk>/", views.organisation_bank, name="organisation_bank"),
    path("organisations/<int:pk>/new/", views.account_enter, name="account_enter"),
    path("accounts/<int:pk>/confirm/", views.account_confirm, name="account_confirm"),
    path("accounts/<int:pk>/reject/", views.account_reject, name="account_reject"),
    path("accounts/<int:pk>/reveal/", views.account_reveal, name="account_reveal"),
]
