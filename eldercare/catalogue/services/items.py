"""Use cases for service items: a region's own items ("X") and changes to an item."""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from eldercare.accounts.access import Action, get_scoped_or_404, require
from eldercare.catalogue.cleaning import clean_item
from eldercare.catalogue.errors import CatalogueDataError, Problem
from eldercare.catalogue.models import ServiceItem
from eldercare.catalogue.services.common import check_managed_region, item_snapshot
from eldercare.core.audit import record, record_change
from eldercare.core.models import AuditAction


@transaction.atomic
def create_item(*, actor: Any, region_code: object, data: Mapping[str, Any]) -> ServiceItem:
    """A region's own item (an "X" of its "6+X"), or a common item (region "") for system admins."""
    require(actor, Action.MANAGE_CATALOGUE)
    code = check_managed_region(actor, region_code)
    values, problems = clean_item(data, creating=True)
    if "code" in values and ServiceItem.objects.filter(code=values["code"]).exists():
        problems.append(Problem("code", "code_duplicate", f"项目编码 {values['code']} 已存在"))
    if problems:
        raise CatalogueDataError(problems)
    item = ServiceItem(region_code=code, **values)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as error:  # a concurrent creation of the same code won
        raise CatalogueDataError(
            [Problem("code", "code_duplicate", f"项目编码 {values['code']} 已存在")]
        ) from error
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=item,
        region_code=item.region_code,
        changes=item_snapshot(item),
    )
    return item


@transaction.atomic
def update_item(
    *, actor: Any, item: ServiceItem, data: Mapping[str, Any], reason: str = ""
) -> ServiceItem:
    """Change an item's fields (not its code). Prices in effect live on list entries."""
    require(actor, Action.MANAGE_CATALOGUE)
    item = get_scoped_or_404(actor, ServiceItem.objects.select_for_update(), pk=item.pk)
    values, problems = clean_item({k: v for k, v in data.items() if k != "code"}, creating=False)
    if problems:
        raise CatalogueDataError(problems)
    before = item_snapshot(item)
    for field, value in values.items():
        setattr(item, field, value)
    item.save()
    record_change(
        actor=actor,
        obj=item,
        region_code=item.region_code,
        before=before,
        after=item_snapshot(item),
        reason=reason,
    )
    return item
