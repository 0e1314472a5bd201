"""/api/v1/planning/…: coverage report, map data, village points and residential areas (read).

Reading needs VIEW_GOVERNANCE; every answer is limited to the user's subtree (accounts.access).
Changes are made on the pages or with the commands (import-village-points, …), which call the
same services.
"""

from decimal import Decimal
from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, scoped
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.core.pagination import CappedCountPagination
from eldercare.planning.mapdata import map_payload
from eldercare.planning.models import ResidentialArea, VillagePoint
from eldercare.planning.queries import report_region
from eldercare.planning.reports import CoverageReport, coverage_report
from eldercare.planning.rules.coverage import CoverageTally
from eldercare.regions.codes import subtree_range

REGION = [OpenApiParameter("region", str, description="区划代码，默认为本人所属区划")]


def _decimal(value: Decimal | None) -> str | None:
    """Shares as exact decimal strings (0–1, four places), like the governance API."""
    return None if value is None else str(value)


def _tally(total: CoverageTally) -> dict[str, Any]:
    return {
        "villages": total.villages,
        "located": total.located,
        "covered": total.covered,
        "village_share": _decimal(total.village_share),
        "without_facility": total.without_facility,
        "residents": total.residents,
        "residents_covered": total.residents_covered,
        "resident_share": _decimal(total.resident_share),
    }


def coverage_data(report: CoverageReport) -> dict[str, Any]:
    return {
        "region": {"code": report.region.code, "name": report.region.name},
        "total": _tally(report.total),
        "children": [{"code": c.code, "name": c.name, **_tally(c.tally)} for c in report.children],
        "uncovered": [
            {
                "code": r.code,
                "name": report.village_names.get(r.code, ""),
                "residents": r.site.residents,
                "is_located": r.site.is_located,
                "distance_m": round(r.distance_m) if r.distance_m is not None else None,
                "radius_m": round(r.site.radius_m),
            }
            for r in report.uncovered
        ],
        "facility_kinds": [
            {"kind": k.kind, "label": k.label, "operating": k.operating, "total": k.total}
            for k in report.kinds
        ],
    }


def _region_or_404(request: Request) -> Any:
    region = report_region(request.user, request.query_params.get("region"))
    if region is None:
        raise Http404("请指定区划")
    return region


class _PlanningViewSet(viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    required_actions = {"list": Action.VIEW_GOVERNANCE}


class CoverageViewSet(_PlanningViewSet):
    @extend_schema(
        summary="服务圈覆盖报告", parameters=REGION, responses={200: OpenApiTypes.OBJECT}
    )
    def list(self, request: Request) -> Response:
        return Response(coverage_data(coverage_report(_region_or_404(request))))


class MapViewSet(_PlanningViewSet):
    @extend_schema(
        summary="地图数据：设施、服务圈、村（社区）覆盖情况、区划轮廓",
        parameters=REGION,
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request: Request) -> Response:
        return Response(map_payload(coverage_report(_region_or_404(request))))


def _in_region(request: Request, rows: Any) -> Any:
    """Narrow an already scoped queryset to ?region= (itself checked against the scope)."""
    if request.query_params.get("region"):
        low, high = subtree_range(_region_or_404(request).code)
        rows = rows.filter(region_code__gte=low, region_code__lte=high)
    return rows


class VillagePointViewSet(_PlanningViewSet):
    pagination_class = CappedCountPagination

    @extend_schema(
        summary="村（社区）位置", parameters=REGION, responses={200: OpenApiTypes.OBJECT}
    )
    def list(self, request: Request) -> Response:
        rows = _in_region(
            request, scoped(request.user, VillagePoint.objects.order_by("region_code"))
        )
        page = self.paginate_queryset(rows) or []
        return self.get_paginated_response(
            [
                {
                    "region_code": p.region_code,
                    "latitude": _decimal(p.latitude),
                    "longitude": _decimal(p.longitude),
                    "households": p.households,
                    "source": p.source,
                }
                for p in page
            ]
        )


class ResidentialAreaViewSet(_PlanningViewSet):
    pagination_class = CappedCountPagination

    @extend_schema(
        summary="居住小区及养老服务用房达标情况",
        parameters=REGION,
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request: Request) -> Response:
        rows = _in_region(
            request, scoped(request.user, ResidentialArea.objects.order_by("region_code", "name"))
        )
        page = self.paginate_queryset(rows) or []
        return self.get_paginated_response([_area(a) for a in page])


def _area(area: ResidentialArea) -> dict[str, Any]:
    check = area.space_check
    return {
        "id": area.pk,
        "region_code": area.region_code,
        "name": area.name,
        "kind": area.kind,
        "households": area.households,
        "service_floor_area_m2": _decimal(area.service_floor_area_m2),
        "minimum_m2": _decimal(check.minimum_m2),
        "upper_m2": _decimal(check.upper_m2),
        "per_100_households": _decimal(check.per_100_households),
        "status": check.status.value,
        "shortfall_m2": _decimal(check.shortfall_m2),
    }


router = SimpleRouter()
router.register("planning/coverage", CoverageViewSet, basename="planning-coverage")
router.register("planning/map", MapViewSet, basename="planning-map")
router.register("planning/village-points", VillagePointViewSet, basename="planning-village-points")
router.register(
    "planning/residential-areas", ResidentialAreaViewSet, basename="planning-residential-areas"
)
urlpatterns = router.urls
