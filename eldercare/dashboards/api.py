"""/api/v1/dashboard/: the same figures as the page, as JSON; POST refresh/ queues a recount."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, chosen_region
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.services.board import build_board
from eldercare.dashboards.tasks import enqueue_refresh

REGION = OpenApiParameter(
    "region", OpenApiTypes.STR, description="区划代码（默认本账号的区划）；管辖范围外为404"
)


@extend_schema_view(
    list=extend_schema(
        summary="领导驾驶舱：区划的各项图表数据（含下钻链接）",
        parameters=[REGION],
        responses=OpenApiTypes.OBJECT,
    ),
    refresh=extend_schema(
        summary="提交重新统计（后台执行）", request=None, responses={202: OpenApiTypes.OBJECT}
    ),
)
class DashboardViewSet(viewsets.ViewSet):
    permission_classes = [ActionPermission]
    required_actions = {"list": Action.VIEW_DASHBOARD, "refresh": Action.VIEW_DASHBOARD}

    def list(self, request: Request) -> Response:
        region = chosen_region(request.user, request.query_params.get("region"))
        return Response(build_board(request.user, region).as_dict())

    @action(detail=False, methods=["post"])
    def refresh(self, request: Request) -> Response:
        enqueue_refresh(RefreshReason.PAGE, actor=request.user)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)


router = SimpleRouter()
router.register("dashboard", DashboardViewSet, basename="dashboard")
urlpatterns = router.urls
