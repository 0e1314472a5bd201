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
]
