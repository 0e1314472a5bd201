"""/api/v1/ routes; each domain app contributes its viewsets here."""

from django.urls import include, path

urlpatterns = [
    path("", include("eldercare.regions.api")),
    path("", include("eldercare.registry.api")),
    path("", include("eldercare.registry.import_api")),
    path("", include("eldercare.assessment.api")),
    path("", include("eldercare.catalogue.api")),
    path("", include("eldercare.entitlements.api")),
    path("", include("eldercare.applications.api")),
    path("", include("eldercare.governance.api")),
    path("", include("eldercare.providers.api")),
    path("", include("eldercare.orders.api")),
    path("", include("eldercare.alarms.api")),
    path("", include("eldercare.carevisits.api")),
    path("", include("eldercare.funds.api")),
    path("", include("eldercare.planning.api")),
    path("", include("eldercare.dashboards.api")),
]
