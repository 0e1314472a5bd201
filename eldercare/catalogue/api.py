"""/api/v1/service-items/ and /api/v1/service-lists/: the catalogue over HTTP, read-only.

Reading needs VIEW_CATALOGUE (every role). Lists and items are reached through the catalogue's
queries, which apply accounts.access: the national list, the lists above the user's region and
their own subtree. Changes are made on the pages (docs/service-catalogue.md).
"""

from datetime import date
from typing import Any

from django.http import FileResponse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.catalogue import queries
from eldercare.catalogue.cleaning import boolean, choice, clean_kind
from eldercare.catalogue.errors import CatalogueDataError, Problem
from eldercare.catalogue.exporting import XLSX_CONTENT_TYPE, export_response
from eldercare.catalogue.models import ListStatus, ServiceCategory, ServiceListEntry
from eldercare.catalogue.serializers import (
    ProblemListSerializer,
    ServiceItemDetailSerializer,
    ServiceItemSerializer,
    ServiceListDetailSerializer,
    ServiceListSummarySerializer,
    effective_entry_data,
    item_data,
    list_detail_data,
    list_summary,
)
from eldercare.catalogue.services import today_local
from eldercare.core.api_problems import ProblemResponses
from eldercare.core.normalize import ValueFormatError, parse_date
from eldercare.core.pagination import CappedCountPagination, CappedCountPaginator
from eldercare.regions.codes import RegionCodeError, normalize_code

PROBLEMS = {400: ProblemListSerializer}
REGION_PARAMETERS = [
    OpenApiParameter(
        "region",
        str,
        description="区划代码：返回该区划在 on 当天适用的条目（全国清单加上级各区划清单，下级覆盖上级）",
    ),
    OpenApiParameter("on", OpenApiTypes.DATE, description="适用日期，默认今天（给出 region 时）"),
]
ITEM_FILTERS = [
    OpenApiParameter("category", str, enum=ServiceCategory.values, description="服务类别"),
    OpenApiParameter("is_basic", bool, description="只要基本服务（true）或非基本服务（false）"),
    OpenApiParameter("is_active", bool, description="只要启用（true）或停用（false）的项目"),
]


class _ListPaginator(CappedCountPaginator):
    """The same envelope for an in-memory list (the entries in effect are resolved in Python)."""

    @cached_property
    def count(self) -> int:
        return len(self.object_list)


class InEffectPagination(CappedCountPagination):
    django_paginator_class = _ListPaginator


def _flag(params: Any, name: str) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    value = boolean(raw)
    if value is None:
        raise CatalogueDataError([Problem(name, "filter_invalid", f"应为 true 或 false：{raw}")])
    return value


def _category(params: Any) -> str | None:
    raw = params.get("category")
    if not raw:
        return None
    value = choice(ServiceCategory, raw)
    if value is None:
        raise CatalogueDataError([Problem("category", "filter_invalid", f"无法识别：{raw}")])
    return value


def _day(params: Any) -> date:
    raw = params.get("on")
    if not raw:
        return today_local()
    try:
        return parse_date(raw)
    except ValueFormatError as error:
        raise CatalogueDataError([Problem("on", error.code, error.message)]) from error


class _CatalogueViewSet(ProblemResponses, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    pagination_class = CappedCountPagination
    labelled_problems = False  # ProblemListSerializer: field, code and message only


@extend_schema_view(
    list=extend_schema(
        summary="服务项目（或某区划某日适用的条目）",
        parameters=[*ITEM_FILTERS, *REGION_PARAMETERS],
        responses={200: ServiceItemSerializer(many=True), **PROBLEMS},
        description="不给 region/on 时列出可见的服务项目；给出时列出该区划当天适用的条目"
        "（形状见 EffectiveItem：项目字段加上价格、对象、资金来源和所属清单）。",
    ),
    retrieve=extend_schema(
        summary="服务项目详情",
        parameters=REGION_PARAMETERS,
        responses={200: ServiceItemDetailSerializer, **PROBLEMS},
    ),
    export=extend_schema(
        summary="导出某区划某日适用的清单（Excel，记入审计）",
        parameters=REGION_PARAMETERS,
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, **PROBLEMS},
    ),
)
class ServiceItemViewSet(_CatalogueViewSet):
    required_actions = {
        "list": Action.VIEW_CATALOGUE,
        "retrieve": Action.VIEW_CATALOGUE,
        "export": Action.VIEW_CATALOGUE,
    }
    serializer_class = ServiceItemSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]+"

    def get_queryset(self) -> Any:
        return queries.visible_items(self.request.user)

    def list(self, request: Request) -> Response:
        params = request.query_params
        category = _category(params)
        is_basic = _flag(params, "is_basic")
        is_active = _flag(params, "is_active")
        if params.get("region") or params.get("on"):
            return self._in_effect(request, category, is_basic, is_active)
        items = self.get_queryset().order_by(queries.category_order(), "code")
        if category:
            items = items.filter(category=category)
        if is_basic is not None:
            items = items.filter(is_basic=is_basic)
        if is_active is not None:
            items = items.filter(is_active=is_active)
        page = self.paginate_queryset(items) or []
        return self.get_paginated_response([item_data(item) for item in page])

    def _in_effect(
        self, request: Request, category: str | None, is_basic: bool | None, is_active: bool | None
    ) -> Response:
        region = queries.visible_region_or_404(request.user, request.query_params.get("region"))
        entries: list[ServiceListEntry] = [
            entry
            for entry in queries.items_in_effect(region, _day(request.query_params))
            if (category is None or entry.item.category == category)
            and (is_basic is None or entry.is_basic == is_basic)
            and (is_active is None or entry.item.is_active == is_active)
        ]
        paginator = InEffectPagination()
        page = paginator.paginate_queryset(entries, request, view=self) or []  # type: ignore[arg-type]
        return paginator.get_paginated_response([effective_entry_data(entry) for entry in page])

    def retrieve(self, request: Request, code: str) -> Response:
        item = queries.get_visible_item_or_404(request.user, code)
        in_effect = None
        if request.query_params.get("region"):
            region = queries.visible_region_or_404(request.user, request.query_params["region"])
            entry = queries.entry_in_effect(region, item.code, _day(request.query_params))
            in_effect = effective_entry_data(entry) if entry else None
        return Response({**item_data(item), "in_effect": in_effect})

    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        region = queries.visible_region_or_404(request.user, request.query_params.get("region"))
        return export_response(
            actor=request.user, region_code=region, on=_day(request.query_params)
        )


@extend_schema_view(
    list=extend_schema(
        summary="服务清单的各版本",
        parameters=[
            OpenApiParameter("region", str, description="区划代码；national 表示全国清单"),
            OpenApiParameter("kind", str, enum=["basic", "six_plus_x", "purchase"]),
            OpenApiParameter("status", str, enum=ListStatus.values),
        ],
        responses={200: ServiceListSummarySerializer(many=True), **PROBLEMS},
    ),
    retrieve=extend_schema(summary="服务清单（含条目）", responses=ServiceListDetailSerializer),
)
class ServiceListViewSet(_CatalogueViewSet):
    required_actions = {"list": Action.VIEW_CATALOGUE, "retrieve": Action.VIEW_CATALOGUE}
    serializer_class = ServiceListSummarySerializer

    def get_queryset(self) -> Any:
        return queries.visible_lists(self.request.user)

    def list(self, request: Request) -> Response:
        params = request.query_params
        lists = self.get_queryset().order_by("region_code", "kind", "-version")
        region = params.get("region")
        if region:
            lists = lists.filter(region_code=_region_filter(region))
        if params.get("kind"):
            kind = clean_kind(params["kind"])
            if kind is None:
                raise CatalogueDataError(
                    [Problem("kind", "filter_invalid", f"无法识别：{params['kind']}")]
                )
            lists = lists.filter(kind=kind)
        if params.get("status"):
            if params["status"] not in ListStatus.values:
                raise CatalogueDataError(
                    [Problem("status", "filter_invalid", f"无法识别：{params['status']}")]
                )
            lists = lists.filter(status=params["status"])
        page = self.paginate_queryset(lists) or []
        return self.get_paginated_response([list_summary(s) for s in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        service_list = queries.get_visible_list_or_404(request.user, pk)
        entries = list(service_list.entries.select_related("item").order_by("position", "id"))
        return Response(list_detail_data(service_list, entries))


def _region_filter(raw: str) -> str:
    if raw.strip() in ("national", "全国"):
        return ""
    try:
        return normalize_code(raw)
    except RegionCodeError as error:
        raise CatalogueDataError([Problem("region", "filter_invalid", str(error))]) from error


router = SimpleRouter()
router.register("service-items", ServiceItemViewSet, basename="service-item")
router.register("service-lists", ServiceListViewSet, basename="service-list")
urlpatterns = router.urls
