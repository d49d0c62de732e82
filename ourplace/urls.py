from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("glossary/", core_views.glossary, name="glossary"),
    path("readyz", core_views.readyz, name="readyz"),
    path("my-work/", core_views.my_work, name="mywork"),
    path("my-work/count/", core_views.my_work_count, name="mywork_count"),
    path("my-work/hide/", core_views.my_work_hide, name="mywork_hide"),
    path("my-work/hidden/", core_views.my_work_hidden, name="mywork_hidden"),
    path("my-work/hidden/<int:pk>/restore/", core_views.my_work_restore, name="mywork_restore"),
    path("my-work/all/<str:kind>/", core_views.my_work_group, name="mywork_group"),
    path("search/", core_views.search, name="search"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the static file.
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("programmes.team_urls")),
    path("", include("programmes.urls")),
    path("", include("activity.urls")),
    path("", include("applications.urls")),
    path("", include("plans.urls")),
    path("grants/", include("grants.urls")),
    path("bank-details/", include("banking.urls")),
    path("support/", include("support.urls")),
    path("due-diligence/", include("diligence.urls")),
    path("", include("messaging.urls")),
    path("delivery/", include("delivery.urls")),
    path("closure/", include("closure.urls")),
    path("reports/", include("reports.urls")),
    path("surveys/", include("surveys.urls")),
    path("early-warning/", include("earlywarning.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "core.error_pages.server_error"
