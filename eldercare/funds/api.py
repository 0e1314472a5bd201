"""/api/v1/fund-*: the pilot funds for other government systems and field apps.

Reading needs VIEW_FUNDS, writing MANAGE_FUNDS. Amounts are integer fen, dates ISO (2020-05-10).
fund-sources (list, detail, create, allocate, correct), fund-allocations (list, detail, spend,
correct), fund-expenditures (list, detail, correct, vouchers upload/download), fund-projects
(list, create) and fund-execution (progress of a region by kind, sub-region and month). Each
handler parses, finds objects through accounts.access (outside the scope = 404), calls one
service and renders; errors are {"errors": [{field, label, code, message}]}, 400 for bad input,
409 for an amount beyond what is left or an entry in the wrong state.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, chosen_region, get_scoped_or_404
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.core.api_problems import ProblemResponses, json_body
from eldercare.core.pagination import CappedCountPagination
from eldercare.core.problems import refuse_unknown_fields
from eldercare.funds import execution, rules, services
from eldercare.funds.errors import FundsDataError, Problem
from eldercare.funds.exporting import status_of
from eldercare.funds.models import Allocation, Entry, Expenditure, Project, Source, Voucher
from eldercare.funds.queries import (
    allocations_for,
    expenditures_for,
    projects_for,
    sources_for,
)
from eldercare.governance.indicators.computed import in_region
from eldercare.regions.codes import RegionCodeError


def _entry(row: Entry) -> dict[str, Any]:
    return {
        "id": row.pk,
        "amount_fen": row.amount_fen,
        "status": status_of(row),
        "reverses": row.reverses_id,
        "corrects": row.corrects_id,
        "reason": row.reason,
        "created_at": row.created_at.isoformat(),
    }


def source_data(row: Source) -> dict[str, Any]:
    return {
        **_entry(row),
        "region_code": row.region_code,
        "kind": row.kind,
        "year": row.year,
        "name": row.name,
        "document_no": row.document_no,
        "received_on": row.received_on.isoformat(),
        "note": row.note,
        "net_fen": row.net_fen,
        "allocated_fen": row.allocated_fen,
    }


def allocation_data(row: Allocation) -> dict[str, Any]:
    return {
        **_entry(row),
        "source": row.source_id,
        "region_code": row.region_code,
        "project": row.project_id,
        "use": row.use,
        "allocated_on": row.allocated_on.isoformat(),
        "document_no": row.document_no,
        "note": row.note,
        "net_fen": row.net_fen,
        "spent_fen": row.spent_fen,
    }


def expenditure_data(row: Expenditure) -> dict[str, Any]:
    return {
        **_entry(row),
        "allocation": row.allocation_id,
        "region_code": row.region_code,
        "spent_on": row.spent_on.isoformat(),
        "payee": row.payee,
        "purpose": row.purpose,
        "voucher_no": row.voucher_no,
        "vouchers": [voucher_data(v) for v in row.vouchers.all()],
    }


def voucher_data(row: Voucher) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
    }


def project_data(row: Project) -> dict[str, Any]:
    return {
        "id": row.pk,
        "region_code": row.region_code,
        "name": row.name,
        "category": row.category,
        "description": row.description,
    }


# --- parsing ----------------------------------------------------------------------------------


def _day(data: Mapping[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(str(data.get(name) or ""))
    except ValueError as error:
        raise FundsDataError([Problem(name, "format", "应为日期，如 2020-05-10")]) from error


def _record_id(data: Mapping[str, Any], name: str) -> int:
    value = str(data.get(name) or "")
    if not value.isdigit():
        raise FundsDataError([Problem(name, "format", f"应为记录编号（整数）：{value}")])
    return int(value)


def _raw(data: Mapping[str, Any], name: str) -> Any:
    """A value passed on as sent: the rules report a wrong type under the field's name."""
    return data.get(name)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value)


SOURCE_FIELDS = (
    "region_code",
    "kind",
    "year",
    "name",
    "amount_fen",
    "received_on",
    "document_no",
    "note",
)
ALLOCATION_FIELDS = (
    "region_code",
    "amount_fen",
    "allocated_on",
    "project",
    "use",
    "document_no",
    "note",
)
EXPENDITURE_FIELDS = ("amount_fen", "spent_on", "payee", "purpose", "voucher_no")


def _source_input(data: Mapping[str, Any]) -> rules.SourceInput:
    return rules.SourceInput(
        region_code=_text(data, "region_code"),
        kind=_text(data, "kind"),
        year=_raw(data, "year"),
        name=_text(data, "name"),
        amount_fen=_raw(data, "amount_fen"),
        received_on=_day(data, "received_on"),
        document_no=_text(data, "document_no"),
        note=_text(data, "note"),
    )


def _allocation_input(data: Mapping[str, Any]) -> rules.AllocationInput:
    project = data.get("project")
    if project is not None and (isinstance(project, bool) or not isinstance(project, int)):
        raise FundsDataError([Problem("project", "wrong_type", "应为项目编号（整数）")])
    return rules.AllocationInput(
        region_code=_text(data, "region_code"),
        amount_fen=_raw(data, "amount_fen"),
        allocated_on=_day(data, "allocated_on"),
        project_id=project,
        use=_text(data, "use") or "elderly_care",
        document_no=_text(data, "document_no"),
        note=_text(data, "note"),
    )


def _expenditure_input(data: Mapping[str, Any]) -> rules.ExpenditureInput:
    return rules.ExpenditureInput(
        amount_fen=_raw(data, "amount_fen"),
        spent_on=_day(data, "spent_on"),
        payee=_text(data, "payee"),
        purpose=_text(data, "purpose"),
        voucher_no=_text(data, "voucher_no"),
    )


def _replacement(data: Mapping[str, Any]) -> dict[str, Any] | None:
    value = data.get("replacement")
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise FundsDataError([Problem("replacement", "wrong_type", "应为 JSON 对象或 null")])
    return dict(value)


class FundsViewSet(ProblemResponses, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    pagination_class = CappedCountPagination

    def _list(self, rows: QuerySet[Any], render: Any) -> Response:
        region = self.request.query_params.get("region")
        if region:
            try:
                rows = rows.filter(in_region("region_code", region))
            except RegionCodeError as error:
                raise FundsDataError([Problem("region_code", "invalid", str(error))]) from error
        page = self.paginate_queryset(rows) or []
        return self.get_paginated_response([render(row) for row in page])


class SourceViewSet(FundsViewSet):
    required_actions = {
        "list": Action.VIEW_FUNDS,
        "retrieve": Action.VIEW_FUNDS,
        "create": Action.MANAGE_FUNDS,
        "allocate": Action.MANAGE_FUNDS,
        "correct": Action.MANAGE_FUNDS,
    }

    def get_queryset(self) -> QuerySet[Source]:
        return sources_for(self.request.user)

    def get_object(self) -> Source:
        return get_scoped_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        if request.query_params.get("kind"):
            rows = rows.filter(kind=request.query_params["kind"])
        return self._list(rows, source_data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(source_data(self.get_object()))

    def create(self, request: Request) -> Response:
        data = json_body(request, SOURCE_FIELDS)
        source = services.create_source(actor=request.user, data=_source_input(data))
        return Response(source_data(source), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk: str) -> Response:
        data = json_body(request, ALLOCATION_FIELDS)
        allocation = services.allocate(
            actor=request.user, source=self.get_object(), data=_allocation_input(data)
        )
        return Response(allocation_data(allocation), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason", "replacement"))
        replacement = _replacement(data)
        if replacement is not None:
            refuse_unknown_fields(replacement, SOURCE_FIELDS)
        result = services.correct_source(
            actor=request.user,
            source=self.get_object(),
            reason=_text(data, "reason"),
            replacement=_source_input(replacement) if replacement is not None else None,
        )
        return Response(
            {
                "reversal": source_data(result.reversal),
                "replacement": source_data(result.replacement) if result.replacement else None,
            }
        )


class AllocationViewSet(FundsViewSet):
    required_actions = {
        "list": Action.VIEW_FUNDS,
        "retrieve": Action.VIEW_FUNDS,
        "spend": Action.MANAGE_FUNDS,
        "correct": Action.MANAGE_FUNDS,
    }

    def get_queryset(self) -> QuerySet[Allocation]:
        return allocations_for(self.request.user)

    def get_object(self) -> Allocation:
        return get_scoped_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        if request.query_params.get("source"):
            rows = rows.filter(source_id=_record_id(request.query_params, "source"))
        return self._list(rows, allocation_data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(allocation_data(self.get_object()))

    @action(detail=True, methods=["post"])
    def spend(self, request: Request, pk: str) -> Response:
        data = json_body(request, EXPENDITURE_FIELDS)
        expenditure = services.spend(
            actor=request.user, allocation=self.get_object(), data=_expenditure_input(data)
        )
        return Response(expenditure_data(expenditure), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason", "replacement"))
        replacement = _replacement(data)
        if replacement is not None:
            refuse_unknown_fields(replacement, ALLOCATION_FIELDS)
        result = services.correct_allocation(
            actor=request.user,
            allocation=self.get_object(),
            reason=_text(data, "reason"),
            replacement=_allocation_input(replacement) if replacement is not None else None,
        )
        return Response(
            {
                "reversal": allocation_data(result.reversal),
                "replacement": allocation_data(result.replacement) if result.replacement else None,
            }
        )


class ExpenditureViewSet(FundsViewSet):
    required_actions = {
        "list": Action.VIEW_FUNDS,
        "retrieve": Action.VIEW_FUNDS,
        "correct": Action.MANAGE_FUNDS,
        "vouchers": Action.MANAGE_FUNDS,
        "download": Action.VIEW_FUNDS,
    }

    def get_queryset(self) -> QuerySet[Expenditure]:
        return expenditures_for(self.request.user).prefetch_related("vouchers")

    def get_object(self) -> Expenditure:
        return get_scoped_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        if request.query_params.get("allocation"):
            rows = rows.filter(allocation_id=_record_id(request.query_params, "allocation"))
        return self._list(rows, expenditure_data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(expenditure_data(self.get_object()))

    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason", "replacement", "allocation"))
        replacement = _replacement(data)
        if replacement is not None:
            refuse_unknown_fields(replacement, EXPENDITURE_FIELDS)
        target = None
        if data.get("allocation") is not None:
            target = get_scoped_or_404(
                request.user, allocations_for(request.user), pk=data["allocation"]
            )
        result = services.correct_expenditure(
            actor=request.user,
            expenditure=self.get_object(),
            reason=_text(data, "reason"),
            replacement=_expenditure_input(replacement) if replacement is not None else None,
            allocation=target,
        )
        return Response(
            {
                "reversal": expenditure_data(result.reversal),
                "replacement": expenditure_data(result.replacement) if result.replacement else None,
            }
        )

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def vouchers(self, request: Request, pk: str) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise FundsDataError([Problem("vouchers", "required", "请上传文件（字段 file）")])
        voucher = services.add_voucher(
            actor=request.user, expenditure=self.get_object(), upload=upload
        )
        return Response(voucher_data(voucher), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], url_path=r"vouchers/(?P<voucher_pk>\d+)")
    def download(self, request: Request, pk: str, voucher_pk: str) -> FileResponse:
        voucher = get_scoped_or_404(
            request.user,
            Voucher.objects.select_related("expenditure").filter(expenditure_id=pk),
            pk=voucher_pk,
        )
        handle = services.open_voucher(actor=request.user, voucher=voucher)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=voucher.original_name,
            content_type=voucher.content_type,
        )


class ProjectViewSet(FundsViewSet):
    required_actions = {
        "list": Action.VIEW_FUNDS,
        "create": Action.MANAGE_FUNDS,
    }

    def list(self, request: Request) -> Response:
        return self._list(projects_for(request.user), project_data)

    def create(self, request: Request) -> Response:
        data = json_body(request, ("region_code", "name", "category", "description"))
        project = services.create_project(
            actor=request.user,
            data=rules.ProjectInput(
                region_code=_text(data, "region_code"),
                name=_text(data, "name"),
                category=_text(data, "category"),
                description=_text(data, "description"),
            ),
        )
        return Response(project_data(project), status=status.HTTP_201_CREATED)


def _progress(found: execution.Progress) -> dict[str, Any]:
    return {
        "received_fen": found.received_fen,
        "spent_fen": found.spent_fen,
        "rate": str(found.rate) if found.rate is not None else None,
    }


class ExecutionViewSet(FundsViewSet):
    required_actions = {"list": Action.VIEW_FUNDS}

    def list(self, request: Request) -> Response:
        params = request.query_params
        region = chosen_region(request.user, params.get("region"))
        on = _day(params, "on") if params.get("on") else services.today_local()
        kinds = [params["kind"]] if params.get("kind") else None
        lottery = execution.lottery_share(region, on)
        return Response(
            {
                "region_code": region,
                "on": on.isoformat(),
                "total": _progress(execution.progress(region, on, kinds)),
                "by_kind": {
                    kind: _progress(found)
                    for kind, _label, found in execution.progress_by_kind(region, on)
                },
                "children": [
                    {"region_code": child.code, "name": child.name, **_progress(found)}
                    for child, found in execution.children_progress(region, on, kinds)
                ],
                "monthly": [
                    {
                        "on": p.on.isoformat(),
                        "received_fen": p.received_fen,
                        "spent_fen": p.spent_fen,
                    }
                    for p in execution.monthly_series(region, on, kinds)
                ],
                "lottery": {
                    "retained_fen": lottery.retained_fen,
                    "elderly_care_fen": lottery.elderly_care_fen,
                    "share": str(lottery.value) if lottery.value is not None else None,
                },
            }
        )


router = SimpleRouter()
router.register("fund-sources", SourceViewSet, basename="fund-source")
router.register("fund-allocations", AllocationViewSet, basename="fund-allocation")
router.register("fund-expenditures", ExpenditureViewSet, basename="fund-expenditure")
router.register("fund-projects", ProjectViewSet, basename="fund-project")
router.register("fund-execution", ExecutionViewSet, basename="fund-execution")
urlpatterns = router.urls
