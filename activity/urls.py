from django.urls import path

from . import views

app_name = "activity"
urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/read-selected/",
        views.notifications_read_selected,
        name="notifications_read_selected",
    ),
    path("notifications/preferences/", views.notification_preferences_page, name="preferences"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
