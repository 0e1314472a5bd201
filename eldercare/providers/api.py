"""/api/v1/providers/, /api/v1/facilities/, /api/v1/staff/: the same services as the pages.

Reading needs VIEW_PROVIDERS and is scoped (region subtree; provider-side users their own
provider). Changes call the services, which check MANAGE_PROVIDERS / MANAGE_OWN_PROVIDER /
BLACKLIST and the state: a bad field is 400 with {"errors": [{field, code, message}]}, an illegal
transition 409. Staff ID numbers and phones are masked in every response.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, get_scoped_or_404, scoped
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.catalogue.models import ServiceItem
from eldercare.core.api_problems import problems_response
from eldercare.core.pagination import CappedCountPagination
from eldercare.providers import services
from eldercare.providers.errors import Problem, ProviderDataError, ProviderStateError
from eldercare.providers.models import Facility, Provider, StaffMember
from eldercare.providers.queries import (
    items_by_code,
    prices_in_effect,
    providers_for,
    region_filter,
)
from eldercare.providers.rules.schedule import Window
from eldercare.providers.serializers import (
    AvailabilityInputSerializer,
    DecisionInputSerializer,
    FacilityInputSerializer,
    FacilitySerializer,
    LicenceInputSerializer,
    LicenceSerializer,
    PriceInputSerializer,
    PriceSerializer,
    ProblemListSerializer,
    ProviderDetailSerializer,
    ProviderInputSerializer,
    ProviderSerializer,
    StaffInputSerializer,
    StaffSerializer,
    TrainingInputSerializer,
)

PROBLEMS = {400: ProblemListSerializer, 409: ProblemListSerializer}


def _parsed(serializer_class: Any, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    if not serializer.is_valid():
        raise ProviderDataError(
            [
                Problem(field, "invalid", str(message))
                for field, messages in serializer.errors.items()
                for message in (messages if isinstance(messages, list) else [messages])
            ]
        )
    return dict(serializer.validated_data)


def _items(codes: list[str], field: str) -> list[ServiceItem]:
    items = items_by_code(codes)
    missing = sorted(set(codes) - {item.code for item in items})
    if missing:
        raise ProviderDataError(
            [Problem(field, "unknown", "服务项目不存在：" + "、".join(missing))]
        )
    return items


class _ProvidersViewSet(viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    pagination_class = CappedCountPagination

    # Not core's ProblemResponses: here a refused transition names the `status` field, problems
    # carry no label, and a body that is not JSON gets DRF's own answer.
    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ProviderDataError):
            return problems_response(exc.problems, labelled=False)
        if isinstance(exc, ProviderStateError):
            return problems_response(
                [Problem("status", exc.code, str(exc))], status.HTTP_409_CONFLICT, labelled=False
            )
        return super().handle_exception(exc)

    def _page(self, rows: QuerySet[Any], serializer_class: Any) -> Response:
        page = self.paginate_queryset(rows) or []
        return self.get_paginated_response(serializer_class(page, many=True).data)


DECISION = extend_schema(
    request=DecisionInputSerializer, responses={200: ProviderSerializer, **PROBLEMS}
)


@extend_schema_view(
    list=extend_schema(
        summary="服务机构",
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("region", str, description="服务区划代码"),
            OpenApiParameter("brand", str),
            OpenApiParameter("q", str, description="名称或信用代码"),
        ],
        responses={200: ProviderSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="服务机构详情（含证照、现行价格）", responses={200: ProviderDetailSerializer}
    ),
    create=extend_schema(
        summary="登记服务机构",
        request=ProviderInputSerializer,
        responses={201: ProviderSerializer, **PROBLEMS},
    ),
    update=extend_schema(
        summary="修改服务机构",
        request=ProviderInputSerializer,
        responses={200: ProviderSerializer, **PROBLEMS},
    ),
    suspend=DECISION,
    blacklist=DECISION,
    lift=DECISION,
    exit=DECISION,
    prices=extend_schema(
        summary="设置价格（分，自生效日期起）",
        request=PriceInputSerializer,
        responses={201: PriceSerializer, **PROBLEMS},
    ),
    licences=extend_schema(
        summary="添加证照",
        request=LicenceInputSerializer,
        responses={201: LicenceSerializer, **PROBLEMS},
    ),
)
class ProviderViewSet(_ProvidersViewSet):
    required_actions = {
        "list": Action.VIEW_PROVIDERS,
        "retrieve": Action.VIEW_PROVIDERS,
        "create": Action.MANAGE_PROVIDERS,
        "update": Action.MANAGE_PROVIDERS,
        "suspend": Action.MANAGE_PROVIDERS,
        "blacklist": Action.BLACKLIST,
        "lift": Action.MANAGE_PROVIDERS,
        "exit": Action.MANAGE_PROVIDERS,
        # The services decide between a county supervisor and the provider's own manager.
        "prices": Action.VIEW_PROVIDERS,
        "licences": Action.VIEW_PROVIDERS,
    }
    serializer_class = ProviderSerializer

    def get_queryset(self) -> QuerySet[Provider]:
        return scoped(self.request.user, Provider.objects.prefetch_related("areas"))

    def _provider(self, pk: str) -> Provider:
        return get_scoped_or_404(self.request.user, Provider.objects.all(), pk=pk)

    def list(self, request: Request) -> Response:
        rows = providers_for(request.user, request.query_params).prefetch_related("areas")
        return self._page(rows, ProviderSerializer)

    def retrieve(self, request: Request, pk: str) -> Response:
        provider = get_scoped_or_404(
            request.user, Provider.objects.prefetch_related("areas", "licences"), pk=pk
        )
        provider.current_prices = prices_in_effect([provider.pk], services.today_local())  # type: ignore[attr-defined]
        return Response(ProviderDetailSerializer(provider).data)

    def create(self, request: Request) -> Response:
        data = _parsed(ProviderInputSerializer, request)
        provider = services.register_provider(
            actor=request.user,
            region_code=data.get("region_code", ""),
            data=data,
            areas=data.get("areas", []),
        )
        return Response(ProviderSerializer(provider).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        data = _parsed(ProviderInputSerializer, request)
        provider = services.update_provider(
            actor=request.user, provider=self._provider(pk), data=data, areas=data.get("areas")
        )
        return Response(ProviderSerializer(provider).data)

    def _decide(self, request: Request, pk: str, transition: Any) -> Response:
        data = _parsed(DecisionInputSerializer, request)
        provider = transition(
            actor=request.user,
            provider=self._provider(pk),
            reason=data.get("reason", ""),
            decided_on=data.get("decided_on"),
            authority=data.get("authority", ""),
        )
        return Response(ProviderSerializer(provider).data)

    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, services.suspend_provider)

    @action(detail=True, methods=["post"])
    def blacklist(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, services.blacklist_provider)

    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, services.lift_provider)

    @action(detail=True, methods=["post"])
    def exit(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, services.exit_provider)

    @action(detail=True, methods=["post"])
    def prices(self, request: Request, pk: str) -> Response:
        data = _parsed(PriceInputSerializer, request)
        [item] = _items([data["item"]], "item")
        price = services.set_price(
            actor=request.user,
            provider=self._provider(pk),
            item=item,
            price_fen=data["price_fen"],
            effective_from=data["effective_from"],
        )
        return Response(PriceSerializer(price).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def licences(self, request: Request, pk: str) -> Response:
        data = _parsed(LicenceInputSerializer, request)
        licence = services.add_licence(actor=request.user, provider=self._provider(pk), data=data)
        return Response(LicenceSerializer(licence).data, status=status.HTTP_201_CREATED)


STAFF_DECISION = extend_schema(
    request=DecisionInputSerializer, responses={200: StaffSerializer, **PROBLEMS}
)


@extend_schema_view(
    list=extend_schema(
        summary="从业人员（身份证号、电话脱敏）",
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("region", str),
            OpenApiParameter("provider", int),
        ],
        responses={200: StaffSerializer(many=True)},
    ),
    retrieve=extend_schema(summary="从业人员详情", responses={200: StaffSerializer}),
    create=extend_schema(
        summary="登记人员",
        request=StaffInputSerializer,
        responses={201: StaffSerializer, **PROBLEMS},
    ),
    availability=extend_schema(
        summary="替换每周可服务时段",
        request=AvailabilityInputSerializer,
        responses={200: StaffSerializer, **PROBLEMS},
    ),
    trainings=extend_schema(
        summary="添加培训记录",
        request=TrainingInputSerializer,
        responses={201: StaffSerializer, **PROBLEMS},
    ),
    blacklist=STAFF_DECISION,
    lift=STAFF_DECISION,
)
class StaffViewSet(_ProvidersViewSet):
    required_actions = {
        "list": Action.VIEW_PROVIDERS,
        "retrieve": Action.VIEW_PROVIDERS,
        "create": Action.VIEW_PROVIDERS,
        "availability": Action.VIEW_PROVIDERS,
        "trainings": Action.VIEW_PROVIDERS,
        "blacklist": Action.BLACKLIST,
        "lift": Action.BLACKLIST,
    }
    serializer_class = StaffSerializer

    def get_queryset(self) -> QuerySet[StaffMember]:
        return scoped(
            self.request.user,
            StaffMember.objects.prefetch_related("skill_rows__item", "availability"),
        )

    def _member(self, pk: str) -> StaffMember:
        return get_scoped_or_404(
            self.request.user, StaffMember.objects.select_related("provider"), pk=pk
        )

    def _shown(self, member: StaffMember, code: int = status.HTTP_200_OK) -> Response:
        return Response(StaffSerializer(self.get_queryset().get(pk=member.pk)).data, status=code)

    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        params = request.query_params
        if params.get("status"):
            rows = rows.filter(status=params["status"])
        if params.get("provider", "").isdigit():
            rows = rows.filter(provider_id=int(params["provider"]))
        region = region_filter("region_code", params.get("region"))
        if region is not None:
            rows = rows.filter(region)
        return self._page(rows, StaffSerializer)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._shown(self._member(pk))

    def create(self, request: Request) -> Response:
        data = _parsed(StaffInputSerializer, request)
        if not data.get("provider"):
            raise ProviderDataError([Problem("provider", "required", "请指定服务机构")])
        provider = get_scoped_or_404(request.user, Provider.objects.all(), pk=data["provider"])
        items = _items(data.get("skills", []), "skills")
        with transaction.atomic():  # a refused skill leaves no half-registered member
            member = services.register_staff(actor=request.user, provider=provider, data=data)
            services.set_skills(actor=request.user, member=member, items=items)
        return self._shown(member, status.HTTP_201_CREATED)

    @action(detail=True, methods=["put"])
    def availability(self, request: Request, pk: str) -> Response:
        member = self._member(pk)
        data = _parsed(AvailabilityInputSerializer, request)
        windows = [Window(w["weekday"], w["starts_at"], w["ends_at"]) for w in data["windows"]]
        services.set_availability(actor=request.user, member=member, windows=windows)
        return self._shown(member)

    @action(detail=True, methods=["post"])
    def trainings(self, request: Request, pk: str) -> Response:
        member = self._member(pk)
        services.add_training(
            actor=request.user, member=member, data=_parsed(TrainingInputSerializer, request)
        )
        return self._shown(member, status.HTTP_201_CREATED)

    def _decide(self, request: Request, pk: str, transition: Any) -> Response:
        data = _parsed(DecisionInputSerializer, request)
        member = transition(
            actor=request.user,
            member=self._member(pk),
            reason=data.get("reason", ""),
            decided_on=data.get("decided_on"),
            authority=data.get("authority", ""),
        )
        return self._shown(member)

    @action(detail=True, methods=["post"])
    def blacklist(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, services.blacklist_staff)

    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, services.lift_staff)


@extend_schema_view(
    list=extend_schema(
        summary="养老服务设施",
        parameters=[
            OpenApiParameter("kind", str),
            OpenApiParameter("region", str),
            OpenApiParameter("operating", bool),
        ],
        responses={200: FacilitySerializer(many=True)},
    ),
    retrieve=extend_schema(summary="设施详情", responses={200: FacilitySerializer}),
    create=extend_schema(
        summary="登记设施",
        request=FacilityInputSerializer,
        responses={201: FacilitySerializer, **PROBLEMS},
    ),
    update=extend_schema(
        summary="修改设施",
        request=FacilityInputSerializer,
        responses={200: FacilitySerializer, **PROBLEMS},
    ),
)
class FacilityViewSet(_ProvidersViewSet):
    required_actions = {
        "list": Action.VIEW_PROVIDERS,
        "retrieve": Action.VIEW_PROVIDERS,
        "create": Action.MANAGE_PROVIDERS,
        "update": Action.MANAGE_PROVIDERS,
    }
    serializer_class = FacilitySerializer

    def get_queryset(self) -> QuerySet[Facility]:
        return scoped(self.request.user, Facility.objects.prefetch_related("services"))

    def _input(self, request: Request) -> tuple[dict[str, Any], list[ServiceItem]]:
        data = _parsed(FacilityInputSerializer, request)
        if data.get("operator"):
            data["operator"] = get_scoped_or_404(
                request.user, Provider.objects.all(), pk=data["operator"]
            )
        return data, _items(data.get("services", []), "services")

    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        params = request.query_params
        if params.get("kind"):
            rows = rows.filter(kind=params["kind"])
        if params.get("operating") in ("true", "false"):
            rows = rows.filter(is_operating=params["operating"] == "true")
        region = region_filter("region_code", params.get("region"))
        if region is not None:
            rows = rows.filter(region)
        return self._page(rows, FacilitySerializer)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            FacilitySerializer(get_scoped_or_404(request.user, self.get_queryset(), pk=pk)).data
        )

    def create(self, request: Request) -> Response:
        data, items = self._input(request)
        facility = services.register_facility(actor=request.user, data=data, services=items)
        return Response(FacilitySerializer(facility).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        facility = get_scoped_or_404(request.user, Facility.objects.all(), pk=pk)
        data, items = self._input(request)
        facility = services.update_facility(
            actor=request.user, facility=facility, data=data, services=items
        )
        return Response(FacilitySerializer(facility).data)


router = SimpleRouter()
router.register("providers", ProviderViewSet, basename="provider")
router.register("staff", StaffViewSet, basename="staff")
router.register("facilities", FacilityViewSet, basename="facility")
urlpatterns = router.urls
