"""Builders for provider tests: valid credit codes, catalogue items, providers and staff."""

import itertools
from datetime import date
from typing import Any

from eldercare.catalogue.models import ServiceItem
from eldercare.providers.models import Provider, ProviderArea, StaffMember, StaffSkill
from eldercare.providers.rules.credit_code import check_character, organisation_check_character
from tests import factories

_serial = itertools.count(1)


def credit_code(authority: str = "9", kind: str = "1", region: str = "431102") -> str:
    body = f"MA{next(_serial):06d}"
    first17 = authority + kind + region + body + organisation_check_character(body)
    return first17 + check_character(first17)


def item(code: str = "ZC-001", name: str = "助餐·送餐上门", **extra: Any) -> ServiceItem:
    defaults = {"category": "meal", "unit": "meal", "standard_price_fen": 1500}
    return ServiceItem.objects.get_or_create(
        code=code, defaults={"name": name, **defaults, **extra}
    )[0]


def provider(region_code: str, *, areas: tuple[str, ...] = (), **extra: Any) -> Provider:
    """A provider written directly (bypassing services) for tests that need rows, not rules."""
    fields = {"name": f"机构{next(_serial)}", "kind": "enterprise", "credit_code": credit_code()}
    row = Provider.objects.create(region_code=region_code, **{**fields, **extra})
    for code in areas or (region_code,):
        ProviderArea.objects.create(provider=row, region_code=code)
    return row


def staff(
    provider_row: Provider,
    region_code: str,
    *,
    skills: tuple[ServiceItem, ...] = (),
    **extra: Any,
) -> StaffMember:
    fields = {
        "name": "李护理",
        "id_number": factories.id_number(date(1980, 5, 1)),
        "kind": "caregiver",
        "caregiver_level": "4",
    }
    member = StaffMember.objects.create(
        provider=provider_row, region_code=region_code, **{**fields, **extra}
    )
    for skill in skills:
        StaffSkill.objects.create(staff=member, item=skill)
    return member
