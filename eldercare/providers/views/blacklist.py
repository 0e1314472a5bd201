"""The blacklist: every block and lift in scope, and who is blacklisted now."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eldercare.accounts.access import Action, requires, scoped
from eldercare.providers.models import (
    BlacklistEntry,
    Provider,
    ProviderStatus,
    StaffMember,
    StaffStatus,
)
from eldercare.providers.views.common import page_of


@requires(Action.VIEW_PROVIDERS)
def blacklist(request: HttpRequest) -> HttpResponse:
    entries = scoped(
        request.user,
        BlacklistEntry.objects.select_related("provider", "staff__provider", "decided_by"),
    )
    context = page_of(request, entries)
    context.update(
        providers=scoped(request.user, Provider.objects.filter(status=ProviderStatus.BLACKLISTED)),
        staff=scoped(
            request.user,
            StaffMember.objects.filter(status=StaffStatus.BLACKLISTED).select_related("provider"),
        ),
    )
    return render(request, "providers/blacklist.html", context)
