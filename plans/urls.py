from django.urls import path

from . import views

app_name = "plans"
area = "areas/<str:reference>/plan/"
urlpatterns = [
    path("plans/review/", views.review_queue, name="review_queue"),
    path("plans/peer-reviews/", views.peer_review_list, name="peer_review_list"),
    path("plans/peer-reviews/<int:pk>/", views.peer_review_detail, name="peer_review_detail"),
    # At the same address as when the applications app served it.
    path("peer-reviews/<int:pk>/declare/", views.peer_declare, name="peer_declare"),
    path(area, views.workspace, name="workspace"),
    path(area + "strategy/", views.strategy_edit, name="strategy_edit"),
    path(area + "logic-model/", views.logic_model_edit, name="logic_model_edit"),
    path(area + "indicators/", views.indicators_edit, name="indicators_edit"),
    path(area + "cba/", views.cba_edit, name="cba_edit"),
    path(area + "edit/", views.plan_edit, name="plan_edit"),
    path(area + "edit/draft/", views.plan_draft_save, name="plan_draft_save"),
    path(area + "edit/draft/discard/", views.plan_drafts_discard, name="plan_drafts_discard"),
    path(area + "documents/", views.attachment_upload, name="attachment_upload"),
    path(area + "documents/<int:pk>/", views.attachment_download, name="attachment_download"),
    path(area + "documents/<int:pk>/remove/", views.attachment_delete, name="attachment_delete"),
    path(area + "submit-draft/", views.submit_draft, name="submit_draft"),
    path(area + "submit-final/", views.submit_final, name="submit_final"),
    path(area + "review/", views.review, name="review"),
    path(area + "comments/<int:pk>/answer/", views.comment_answer, name="comment_answer"),
    path(area + "peer-reviewers/", views.peer_review_assign, name="peer_review_assign"),
    path(area + "versions/compare/", views.version_compare, name="version_compare"),
    path(area + "versions/<int:number>/", views.version_detail, name="version_detail"),
]
