from django.urls import path

from . import views
from .budgets import views as budget_views
from .offers import views as offer_views
from .variations import views as variation_views

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
    # Grant offers (grants/offers) and round budgets (grants/budgets).
    path("offers/<int:pk>/", offer_views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/letter.pdf", offer_views.offer_pdf, name="offer_pdf"),
    path("offers/<int:pk>/withdraw/", offer_views.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/reissue/", offer_views.offer_reissue, name="offer_reissue"),
    path("rounds/<slug:slug>/budget/", budget_views.round_budget_page, name="round_budget"),
    # Variations of an award (grants/variations).
    path("awards/<int:pk>/variations/new/", variation_views.variation_new, name="variation_new"),
    path("variations/", variation_views.variation_list, name="variation_list"),
    path("variations/<int:pk>/", variation_views.variation_detail, name="variation_detail"),
    path(
        "variations/<int:pk>/approve/", variation_views.variation_approve, name="variation_approve"
    ),
    path("variations/<int:pk>/cosign/", variation_views.variation_cosign, name="variation_cosign"),
    path("variations/<int:pk>/refuse/", variation_views.variation_refuse, name="variation_refuse"),
    path(
        "variations/<int:pk>/withdraw/",
        variation_views.variation_withdraw,
        name="variation_withdraw",
    ),
]
