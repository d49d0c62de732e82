from django.urls import path

from . import views

app_name = "grants"
urlpatterns = [
    path("finance/", views.finance, name="finance"),
    path("finance/bulk/", views.finance_bulk, name="finance_bulk"),
    path("rounds/", views.round_summary, name="round_summary"),
    path("awards/<int:pk>/", views.award_detail, name="award_detail"),
    path("awards/<int:pk>/cancel/", views.award_cancel, name="award_cancel"),
    path("awards/<int:pk>/payments/new/", views.payment_add, name="payment_add"),
    path("payments/<int:pk>/approve/", views.payment_approve, name="payment_approve"),
    path("payments/<int:pk>/pay/", views.payment_pay, name="payment_pay"),
    path("payments/<int:pk>/cancel/", views.payment_cancel, name="payment_cancel"),
    path("payments/<int:pk>/release/", views.payment_release, name="payment_release"),
]
