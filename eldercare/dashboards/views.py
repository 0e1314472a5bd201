"""The leadership dashboard page and the request for a recount."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, chosen_region, requires
from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.services.board import build_board
from eldercare.dashboards.tasks import enqueue_refresh


@requires(Action.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    region = chosen_region(request.user, request.GET.get("region"))
    board = build_board(request.user, region)
    return render(request, "dashboards/dashboard.html", {"board": board, "data": board.as_dict()})


@require_POST
@requires(Action.VIEW_DASHBOARD)
def refresh(request: HttpRequest) -> HttpResponseBase:
    region = chosen_region(request.user, request.POST.get("region"))
    enqueue_refresh(RefreshReason.PAGE, actor=request.user)
    messages.success(request, _("已提交重新统计，完成后刷新本页即可看到新数据。"))
    url = reverse("dashboards:dashboard")
    return redirect(f"{url}?{urlencode({'region': region})}" if region else url)
