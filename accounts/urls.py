from django.contrib.auth import views as auth_views
from django.urls import path

from . import people_views, views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/code/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("two-factor/turn-off/", views.two_factor_remove, name="two_factor_remove"),
    path("locked/", views.lockout_list, name="lockout_list"),
    # Admins only (404 for anyone else): subject access and anonymisation.
    path("people/<int:pk>/data/", people_views.person_data, name="person_data"),
    path(
        "people/<int:pk>/data/export/",
        people_views.person_data_download,
        name="person_data_download",
    ),
    path(
        "people/<int:pk>/anonymise/",
        people_views.person_anonymise_view,
        name="person_anonymise",
    ),
]
