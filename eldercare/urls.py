from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:dashboard", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("eldercare.accounts.urls")),
    path("registry/", include("eldercare.registry.urls")),
    path("assessment/", include("eldercare.assessment.urls")),
    path("catalogue/", include("eldercare.catalogue.urls")),
    path("entitlements/", include("eldercare.entitlements.urls")),
    path("applications/", include("eldercare.applications.urls")),
    path("governance/", include("eldercare.governance.urls")),
    path("providers/", include("eldercare.providers.urls")),
    path("orders/", include("eldercare.orders.urls")),
    path("alarms/", include("eldercare.alarms.urls")),
    path("care-visits/", include("eldercare.carevisits.urls")),
    path("funds/", include("eldercare.funds.urls")),
    path("planning/", include("eldercare.planning.urls")),
    path("dashboard/", include("eldercare.dashboards.urls")),
    path("api/v1/", include("eldercare.api")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(settings.ADMIN_URL, admin.site.urls),
]
