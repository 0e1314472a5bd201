"""/api/v1/regions/: the current division tree, read-only, as far as the user may see it.

A user sees the regions inside their scope (accounts.access.scope_code decides it) and the
ancestors of their own region up to the province, so a path like 湖南省 › 永州市 › 零陵区 can be
shown; siblings and other branches stay hidden (404, like a code that does not exist).
"""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import scoped_regions
from eldercare.accounts.api_permissions import SIGNED_IN, ActionPermission
from eldercare.regions.codes import RegionCodeError, normalize_code
from eldercare.regions.models import Region, RegionLevel

COLUMNS = ("code", "name", "level", "parent_code", "locality")


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="12位统计用区划代码")
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    parent_code = serializers.CharField(help_text="省级为空")
    locality = serializers.CharField(help_text="村级：urban 或 rural")


class RegionPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


@extend_schema_view(
    list=extend_schema(
        summary="行政区划",
        parameters=[
            OpenApiParameter("parent", str, description="上级区划代码：只列其直接下级"),
            OpenApiParameter("level", int, enum=RegionLevel.values),
            OpenApiParameter("q", str, description="名称前缀"),
        ],
    ),
    retrieve=extend_schema(summary="区划详情"),
)
class RegionViewSet(viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    # Division codes and names are published by the statistics bureau; the scope still applies.
    required_actions = {"list": SIGNED_IN, "retrieve": SIGNED_IN}
    serializer_class = RegionSerializer
    pagination_class = RegionPagination
    lookup_field = "code"
    lookup_value_regex = "[0-9]{12}"

    def get_queryset(self) -> QuerySet[Region]:
        return scoped_regions(self.request.user)

    def list(self, request: Request) -> Response:
        regions = self.get_queryset()
        parent = request.query_params.get("parent", "").strip()
        if parent:
            regions = regions.filter(parent_code=_parameter_code(parent))
        level = request.query_params.get("level", "").strip()
        if level:
            if level not in {str(value) for value in RegionLevel.values}:
                raise _invalid("level", f"应为1–5（省、地、县、乡、村）：{level}")
            regions = regions.filter(level=int(level))
        prefix = request.query_params.get("q", "").strip()
        if prefix:
            regions = regions.filter(name__startswith=prefix)
        page = self.paginate_queryset(regions.order_by("code").values(*COLUMNS)) or []
        return self.get_paginated_response(page)

    def retrieve(self, request: Request, code: str) -> Response:
        region = self.get_queryset().filter(code=code).values(*COLUMNS).first()
        if region is None:
            raise Http404("区划不存在")
        return Response(region)


def _parameter_code(text: str) -> str:
    try:
        return normalize_code(text)
    except RegionCodeError as error:
        raise _invalid("parent", f"应为12位区划代码：{text}") from error


def _invalid(param: str, message: str) -> ValidationError:
    # The same {"errors": [...]} shape as the registry's 400 responses.
    return ValidationError(
        {
            "errors": [
                {"field": param, "code": "filter_invalid", "message": f"参数 {param}{message}"}
            ]
        }
    )


router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")
urlpatterns = router.urls
