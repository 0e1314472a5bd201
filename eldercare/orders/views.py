"""Pages of service orders: the list, the detail with its history and the next steps, placing an
order for a resident, dispatch with the ranked proposals, the caregiver's phone page for today,
the supervision page and the monthly statements. Each view: parse → access check → one service
call → render or redirect."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eldercare.accounts.access import (
    Action,
    can,
    get_scoped_or_404,
    requires,
    scoped,
)
from eldercare.catalogue.models import ServiceCategory
from eldercare.core.pagination import CappedCountPaginator
from eldercare.orders import services
from eldercare.orders.errors import OrderDataError, OrderStateError
from eldercare.orders.models import (
    CallbackOutcome,
    CallbackSample,
    Channel,
    Complaint,
    Order,
    OrderStatus,
    Requester,
    Statement,
)
from eldercare.orders.parsing import ORDER_FIELDS, day, month, order_data
from eldercare.orders.queries import (
    orderable_items,
    orders_for,
    providers_serving,
    resident_for_order,
    work_today,
)
from eldercare.providers.models import Provider, StaffMember
from eldercare.regions.services import region_names

PAGE_SIZE = 50


def _order(request: HttpRequest, pk: int) -> Order:
    return get_scoped_or_404(
        request.user,
        Order.objects.select_related("resident", "provider", "item", "caregiver", "placed_by"),
        pk=pk,
    )


def _attempt(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Run one service call; its data or state error becomes a message instead of a crash."""
    try:
        result = call()
    except (OrderDataError, OrderStateError) as error:
        messages.error(request, str(error))
        return None
    messages.success(request, success)
    return result


@requires(Action.VIEW_ORDERS)
def order_list(request: HttpRequest) -> HttpResponse:
    try:
        orders = orders_for(request.user, request.GET)
    except OrderDataError as error:
        messages.error(request, str(error))
        orders = scoped(request.user, Order.objects.none())
    paginator = CappedCountPaginator(orders, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    region = request.GET.get("region", "")
    query = request.GET.copy()
    query.pop("page", None)
    without_region = query.copy()
    without_region.pop("region", None)
    return render(
        request,
        "orders/list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "statuses": OrderStatus.choices,
            "categories": ServiceCategory.choices,
            "providers": scoped(request.user, Provider.objects.all()).order_by("name"),
            "region_name": region_names([region]).get(region, region) if region else "",
            "without_region": without_region.urlencode(),
            "filters": request.GET,
        },
    )


@requires(Action.VIEW_ORDERS)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "events": order.events.all(),
            "flags": order.flags.all(),
            "photos": order.photos.all(),
            "complaints": scoped(request.user, Complaint.objects.filter(order=order)),
            "requesters": Requester.choices,
        },
    )


@requires(Action.PLACE_ORDERS)
def order_new(request: HttpRequest) -> HttpResponse:
    """Place an order for the resident given by ?resident=<id> (from the resident's page, or the
    hotline's lookup)."""
    resident = resident_for_order(request.user, request.GET.get("resident"))
    if resident is None:
        messages.error(request, _("请先在老年人名册中选择老人"))
        return redirect("orders:list")
    providers = providers_serving(request.user, resident.region_code)
    items = orderable_items()
    values: dict[str, Any] = {"address": "", "requested_by": Requester.RESIDENT}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in ("provider", "item", *ORDER_FIELDS)}
        provider = providers.filter(pk=str(values["provider"] or "0")).first()
        item = items.filter(code=values["item"]).first()
        if provider is None or item is None:
            messages.error(request, _("请选择服务机构和服务项目"))
        else:
            try:
                order = services.place_order(
                    actor=request.user,
                    resident=resident,
                    provider=provider,
                    item=item,
                    data=order_data(values),
                )
            except OrderDataError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("订单已提交"))
                return redirect("orders:detail", order.pk)
    return render(
        request,
        "orders/new.html",
        {
            "resident": resident,
            "providers": providers,
            "items": items,
            "values": values,
            "channels": Channel.choices,
            "requesters": Requester.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


_TRANSITIONS: dict[str, tuple[Action, Any]] = {
    "accept": (Action.DISPATCH_ORDERS, gettext_lazy("已接单")),
    "refuse": (Action.DISPATCH_ORDERS, gettext_lazy("已拒单")),
    "cancel": (Action.PLACE_ORDERS, gettext_lazy("订单已取消")),
    "rate": (Action.PLACE_ORDERS, gettext_lazy("评价已记录")),
    "complain": (Action.PLACE_ORDERS, gettext_lazy("投诉已受理")),
    "check_in": (Action.PERFORM_SERVICE, gettext_lazy("已签到")),
    "check_out": (Action.PERFORM_SERVICE, gettext_lazy("已签退，服务完成")),
}


def _run(request: HttpRequest, order: Order, step: str) -> Any:
    post = request.POST
    user = request.user
    gps = {"latitude": post.get("latitude") or None, "longitude": post.get("longitude") or None}
    calls: dict[str, Callable[[], Any]] = {
        "accept": lambda: services.accept_order(actor=user, order=order),
        "refuse": lambda: services.refuse_order(
            actor=user, order=order, reason=post.get("reason", "")
        ),
        "cancel": lambda: services.cancel_order(
            actor=user, order=order, reason=post.get("reason", "")
        ),
        "rate": lambda: services.rate_order(
            actor=user,
            order=order,
            rating=int(post["rating"]) if post.get("rating", "").isdigit() else None,
            comment=post.get("comment", ""),
            rated_by=post.get("rated_by", Requester.RESIDENT),
        ),
        "complain": lambda: services.file_complaint(
            actor=user,
            order=order,
            content=post.get("content", ""),
            complainant=post.get("complainant", Requester.RESIDENT),
        ),
        "check_in": lambda: services.check_in(actor=user, order=order, **gps),
        "check_out": lambda: services.check_out(
            actor=user,
            order=order,
            work_done=post.get("work_done", ""),
            notes=post.get("notes", ""),
            **gps,
        ),
    }
    return calls[step]()


@require_POST
@requires(Action.VIEW_ORDERS)
def order_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in _TRANSITIONS:
        raise PermissionDenied
    action, success = _TRANSITIONS[step]
    if not can(request.user, action):
        raise PermissionDenied
    order = _order(request, pk)
    _attempt(request, lambda: _run(request, order, step), str(success))
    if step in ("check_in", "check_out") or request.POST.get("next") == "today":
        return redirect("orders:today")
    return redirect("orders:detail", order.pk)


@requires(Action.DISPATCH_ORDERS)
def order_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if request.method == "POST":
        caregiver = None
        if request.POST.get("caregiver"):
            caregiver = get_scoped_or_404(
                request.user, StaffMember.objects.all(), pk=request.POST["caregiver"]
            )
        done = _attempt(
            request,
            lambda: services.dispatch_order(
                actor=request.user,
                order=order,
                caregiver=caregiver,
                reassign=order.status == OrderStatus.DISPATCHED,
            ),
            _("已派单"),
        )
        if done is not None:
            return redirect("orders:detail", order.pk)
    # why_not asks a few queries per person: explained for a page of staff, found by name.
    name = request.GET.get("name", "").strip()
    staff = scoped(request.user, StaffMember.objects.filter(provider=order.provider))
    if name:
        staff = staff.filter(name__contains=name)
    checked = list(staff.select_related("provider").order_by("name", "pk")[:WHY_NOT_PAGE])
    refused = [(member, services.why_not(order, member)) for member in checked]
    return render(
        request,
        "orders/dispatch.html",
        {
            "order": order,
            "proposals": services.propose(order),
            "refused": [(member, reason) for member, reason in refused if reason],
            "name": name,
            "staff_total": staff.count(),
            "staff_checked": len(checked),
        },
    )


# How many staff members the dispatch page explains at once (the rest are found by name).
WHY_NOT_PAGE = 50


@requires(Action.PERFORM_SERVICE)
def work_today_page(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/today.html", {"orders": work_today(request.user)})


@requires(Action.PERFORM_SERVICE)
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    upload = request.FILES.get("photo")
    if request.method == "POST" and upload is not None:
        _attempt(
            request,
            lambda: services.add_photo(actor=request.user, order=order, upload=upload),
            _("照片已上传"),
        )
    elif request.method == "POST":
        messages.error(request, _("请选择照片"))
    return redirect("orders:today")


@requires(Action.VIEW_ORDERS)
def photo_download(request: HttpRequest, photo_pk: int) -> FileResponse:
    photo, handle = services.open_photo(actor=request.user, photo_id=photo_pk)
    return FileResponse(handle, content_type=photo.content_type, filename=photo.original_name)


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        start = (
            day(request.GET.get("start"), "period")
            if request.GET.get("start")
            else today.replace(day=1)
        )
        end = day(request.GET.get("end"), "period") if request.GET.get("end") else today
    except OrderDataError as error:
        messages.error(request, str(error))
        start, end = today.replace(day=1), today
    return start, end


@requires(Action.SUPERVISE_SERVICES)
def supervision(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    if request.method == "POST":
        post = request.POST
        if post.get("form") == "sample":
            sample = _attempt(
                request,
                lambda: services.draw_callback_sample(
                    actor=request.user,
                    region_code=request.user.region_code,  # type: ignore[union-attr]
                    start=day(post.get("start"), "period"),
                    end=day(post.get("end"), "period"),
                    size=int(post["size"]) if post.get("size", "").isdigit() else 0,
                    seed=post.get("seed", ""),
                ),
                _("回访样本已抽取"),
            )
            if sample is not None:
                return redirect("orders:sample", sample.pk)
        elif post.get("form") == "complaint":
            complaint = get_scoped_or_404(
                request.user, Complaint.objects.all(), pk=post.get("complaint")
            )
            _attempt(
                request,
                lambda: services.advance_complaint(
                    actor=request.user,
                    complaint=complaint,
                    step=post.get("step", ""),
                    note=post.get("note", ""),
                ),
                _("投诉处理已记录"),
            )
        return redirect(f"{request.path}?start={start}&end={end}")
    complaints = scoped(request.user, Complaint.objects.select_related("order")).exclude(
        status__in=("resolved", "rejected")
    )
    return render(
        request,
        "orders/supervision.html",
        {
            "start": start,
            "end": end,
            "rows": services.provider_figures(request.user, start, end),
            "complaints": complaints,
            "samples": scoped(request.user, CallbackSample.objects.all())[:10],
            "default_size": 10,
            "previous_start": (start - timedelta(days=1)).replace(day=1),
        },
    )


@requires(Action.SUPERVISE_SERVICES)
def sample_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sample = get_scoped_or_404(request.user, CallbackSample.objects.all(), pk=pk)
    if request.method == "POST":
        callback = get_scoped_or_404(
            request.user, sample.callbacks.all(), pk=request.POST.get("callback")
        )
        _attempt(
            request,
            lambda: services.record_callback(
                actor=request.user,
                callback=callback,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
            ),
            _("回访结果已记录"),
        )
        return redirect("orders:sample", sample.pk)
    return render(
        request,
        "orders/sample.html",
        {
            "sample": sample,
            "callbacks": sample.callbacks.select_related("order__resident", "order__item"),
            "outcomes": [c for c in CallbackOutcome.choices if c[0]],
        },
    )


@requires(Action.SETTLE_ORDERS)
def statements(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        provider = get_scoped_or_404(
            request.user, Provider.objects.all(), pk=request.POST.get("provider")
        )
        try:
            chosen = month(request.POST.get("month"))
        except OrderDataError as error:
            messages.error(request, str(error))
            return redirect("orders:statements")
        statement = _attempt(
            request,
            lambda: services.prepare_statement(actor=request.user, provider=provider, month=chosen),
            _("结算单已生成"),
        )
        if statement is not None:
            return redirect("orders:statement", statement.pk)
        return redirect("orders:statements")
    return render(
        request,
        "orders/statements.html",
        {
            "statements": scoped(request.user, Statement.objects.select_related("provider"))[:100],
            "providers": scoped(request.user, Provider.objects.all()).order_by("name"),
            "last_month": (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime(
                "%Y-%m"
            ),
        },
    )


@requires(Action.SETTLE_ORDERS)
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_scoped_or_404(request.user, Statement.objects.select_related("provider"), pk=pk)
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.confirm_statement(actor=request.user, statement=statement),
            _("结算单已确认"),
        )
        return redirect("orders:statement", statement.pk)
    return render(
        request,
        "orders/statement.html",
        {
            "statement": statement,
            "lines": statement.lines.select_related("order__item", "order__resident"),
            "difference": statement.subsidy_fen - statement.ledger_fen,
        },
    )


@requires(Action.SETTLE_ORDERS)
def statement_export(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_scoped_or_404(request.user, Statement.objects.all(), pk=pk)
    content = services.export_statement(actor=request.user, statement=statement)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{statement.provider_id}-{statement.month:%Y%m}.xlsx"'
    )
    return response


def resident_panel(request: HttpRequest, resident: Any) -> str:
    """The resident's recent orders and the link to book a service for them (RESIDENT_PANELS)."""
    if not can(request.user, Action.VIEW_ORDERS):
        return ""
    orders = list(
        scoped(request.user, Order.objects.filter(resident=resident))
        .select_related("item", "provider")
        .order_by("-starts_at", "-id")[:10]
    )
    return render_to_string(
        "orders/resident_panel.html",
        {
            "resident": resident,
            "orders": orders,
            "can_order": can(request.user, Action.PLACE_ORDERS) and resident.status == "active",
        },
        request=request,
    )
