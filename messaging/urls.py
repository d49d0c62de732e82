from django.urls import path

from . import views

app_name = "messaging"
area = "areas/<str:reference>/messages/"
urlpatterns = [
    path(area, views.thread, name="thread"),
    path(area + "notes/", views.note_add, name="note_add"),
    path(area + "<int:pk>/document/", views.attachment_download, name="attachment_download"),
]
