"""An organisation's team pages and the invitation link, under /accounts/ with the names they have
always had (``team``, ``invitation_accept``...), so links in emails already sent keep working."""

from django.urls import path

from . import team_views

urlpatterns = [
    path("team/", team_views.team_mine, name="team_mine"),
    path("organisations/<int:pk>/team/", team_views.team, name="team"),
    path(
        "organisations/<int:pk>/team/members/<int:membership_pk>/remove/",
        team_views.member_remove,
        name="team_member_remove",
    ),
    path(
        "organisations/<int:pk>/team/invitations/<int:invitation_pk>/withdraw/",
        team_views.invitation_revoke,
        name="team_invitation_revoke",
    ),
    path("invitations/<str:token>/", team_views.invitation_accept, name="invitation_accept"),
]
