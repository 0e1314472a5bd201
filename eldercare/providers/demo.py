"""Demo providers, facilities and staff for the pilot localities (called by load_demo).

Rows are written directly with natural keys (credit code, (provider, ID number), (village,
facility name) …) so a second run finds them and changes nothing. Everything is invented: the
credit codes and ID numbers are valid by their check characters only, the coordinates come from
eldercare.demo.geography.
"""

import hashlib
from datetime import date, time, timedelta
from typing import TextIO

from django.db import transaction

from eldercare.accounts.models import User
from eldercare.catalogue.models import ServiceItem
from eldercare.core.idcard import check_character as id_check_character
from eldercare.demo.geography import jittered
from eldercare.providers.models import (
    BlacklistEntry,
    CaregiverLevel,
    Facility,
    FacilityKind,
    OperationMode,
    Provider,
    ProviderArea,
    ProviderKind,
    ProviderLicence,
    ProviderPrice,
    ProviderStatus,
    StaffAvailability,
    StaffKind,
    StaffMember,
    StaffSkill,
    StaffStatus,
    TrainingRecord,
)
from eldercare.providers.rules.credit_code import check_character, organisation_check_character
from eldercare.regions.codes import Level, ancestor_codes, subtree_range
from eldercare.regions.datasets import PILOT_LOCALITIES
from eldercare.regions.models import Region
from eldercare.registry.models import Resident

PRICES_FROM = date(2026, 1, 1)
SKILL_CODES = (
    "ZC-001",
    "ZC-002",
    "ZY-001",
    "ZJ-001",
    "ZJ-002",
    "YI-001",
    "ZX-001",
    "SH-001",
    "TF-001",
)
CHAIN = "福寿康居家养老"
CAREGIVER_NAMES = ("刘桂兰", "陈秀英", "杨建华", "黄丽娟", "周志强", "吴美玲", "郑晓燕", "孙国庆")
TRAININGS = (("岗前培训：养老护理基础", "pre_job", "8"), ("失能老人照护技能", "on_job", "16"))
WEEK = [(day, time(8), time(12)) for day in range(5)] + [
    (day, time(13), time(17, 30)) for day in range(5)
]


def _digest(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:6])


def _credit_code(authority: str, kind: str, county: str, salt: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    number = _digest("credit", salt)
    body = "MA" + "".join(alphabet[(number >> (5 * i)) % 31] for i in range(6))
    first17 = authority + kind + county[:6] + body + organisation_check_character(body)
    return first17 + check_character(first17)


def _id_number(village: str, salt: str) -> str:
    number = _digest("person", salt)
    birth = date(1968, 1, 1) + timedelta(days=number % 9000)
    first17 = f"{village[:6]}{birth:%Y%m%d}{number % 997:03d}"
    return first17 + id_check_character(first17)


def _villages_by_township(locality: str, prefer: str | None) -> list[tuple[str, list[str]]]:
    """Two townships with demo residents (the preferred one first), each with up to five villages."""
    low, high = subtree_range(locality)
    villages = sorted(
        set(
            Resident.objects.filter(region_code__gte=low, region_code__lte=high).values_list(
                "region_code", flat=True
            )
        )
    )
    townships: dict[str, list[str]] = {}
    for village in villages:
        townships.setdefault(ancestor_codes(village)[Level.TOWNSHIP - 1], []).append(village)
    ordered = sorted(townships, key=lambda code: (code != prefer, code))
    return [(code, townships[code][:5]) for code in ordered[:2]]


def _provider(
    name: str, code: str, kind: str, region: str, areas: list[str], brand: str = ""
) -> Provider:
    provider, _ = Provider.objects.update_or_create(
        credit_code=code,
        defaults={
            "name": name,
            "kind": kind,
            "region_code": region,
            "brand": brand,
            "hotline": "12349",
            "address": f"{name}服务大厅",
            "description": "提供助餐、助洁、助浴、助医等居家和社区养老服务。",
        },
    )
    for area in areas:
        ProviderArea.objects.get_or_create(provider=provider, region_code=area)
    ProviderLicence.objects.get_or_create(
        provider=provider,
        kind="business" if kind == ProviderKind.ENTERPRISE else "registration",
        number=code,
        defaults={"issued_by": "登记管理机关", "valid_from": date(2024, 1, 1)},
    )
    return provider


def _prices(provider: Provider, items: list[ServiceItem], markup: int) -> None:
    for item in items:
        base = item.standard_price_fen or 3000
        ProviderPrice.objects.get_or_create(
            provider=provider,
            item=item,
            effective_from=PRICES_FROM,
            defaults={"price_fen": max(0, base + markup)},
        )


def _staff(
    provider: Provider,
    region: str,
    index: int,
    items: list[ServiceItem],
    today: date,
    **extra: object,
) -> StaffMember:
    salt = f"{provider.credit_code}:{index}"
    base = jittered(region, salt, 2.0)
    member, _ = StaffMember.objects.get_or_create(
        provider=provider,
        id_number=_id_number(region, salt),
        defaults={
            "name": CAREGIVER_NAMES[_digest(salt) % len(CAREGIVER_NAMES)],
            "kind": StaffKind.CAREGIVER,
            "caregiver_level": [
                CaregiverLevel.LEVEL_5,
                CaregiverLevel.LEVEL_4,
                CaregiverLevel.LEVEL_3,
            ][index % 3],
            "certificate_number": f"S{_digest('cert', salt) % 10**12:012d}",
            # One certificate already run out and one running out within the month, per provider.
            "health_certificate_expires": today + timedelta(days=[200, -5, 20, 330][index % 4]),
            "region_code": region,
            "phone": f"139{_digest('phone', salt) % 10**8:08d}",
            "base_latitude": base[0] if base else None,
            "base_longitude": base[1] if base else None,
            **extra,
        },
    )
    for item in items[index % 2 :: 1 + index % 2] or items:
        StaffSkill.objects.get_or_create(staff=member, item=item)
    for weekday, starts_at, ends_at in WEEK:
        StaffAvailability.objects.get_or_create(
            staff=member, weekday=weekday, starts_at=starts_at, ends_at=ends_at
        )
    for number, (topic, kind, hours) in enumerate(TRAININGS[: 1 + index % 2]):
        TrainingRecord.objects.get_or_create(
            staff=member,
            topic=topic,
            trained_on=date(2025, 3 + number * 6, 10),
            defaults={"hours": hours, "kind": kind, "organiser": "市养老服务指导中心"},
        )
    return member


def _facilities(
    locality: str,
    townships: list[tuple[str, list[str]]],
    operator: Provider,
    items: list[ServiceItem],
) -> int:
    kinds = list(FacilityKind)
    modes = [OperationMode.PUBLIC_BUILT_PRIVATE_RUN, OperationMode.PUBLIC, OperationMode.PRIVATE]
    slots = [(village, n) for _, villages in townships for n, village in enumerate(villages)]
    names = dict(
        Region.objects.current().filter(code__in=[v for v, _ in slots]).values_list("code", "name")
    )
    made = 0
    for number, kind in enumerate(kinds):
        if not slots:
            break
        village, _ = slots[number % len(slots)]
        point = jittered(village, f"facility:{kind}", 1.5)
        mode = modes[number % 3]
        short = names.get(village, "").removesuffix("居委会").removesuffix("村委会")
        facility, created = Facility.objects.get_or_create(
            region_code=village,
            name=f"{short}{kind.label}",
            defaults={
                "kind": kind,
                "address": f"{short}综合服务中心旁",
                "latitude": point[0] if point else None,
                "longitude": point[1] if point else None,
                "floor_area_m2": 150 + 40 * number,
                "beds": 0
                if kind in (FacilityKind.MEAL_POINT, FacilityKind.BATH_POINT)
                else 4 + 2 * number,
                "operation_mode": mode,
                "operator": operator if mode != OperationMode.PUBLIC else None,
                "opening_hours": "周一至周日 8:00–17:30",
                # One 银龄驿站 per locality is built but not yet working.
                "is_operating": not (
                    kind == FacilityKind.SILVER_STATION and locality != "431100000000"
                ),
                "is_newly_built": number % 2 == 0,
                "medical_partner": "乡镇卫生院" if number % 3 != 2 else "",
                "built_on": date(2024 + number % 2, 1 + number, 1),
            },
        )
        if created:
            facility.services.set(items[number % len(items) :: 3] or items)
            made += 1
    return made


def load_demo_providers(stdout: TextIO) -> None:
    """Providers, facilities and staff per pilot locality; links the demo provider and caregiver
    logins. Idempotent."""
    items = list(ServiceItem.objects.filter(code__in=SKILL_CODES, is_active=True).order_by("code"))
    admin = User.objects.filter(username="admin").first()
    provider_user = User.objects.filter(username="provider").first()
    caregiver_user = User.objects.filter(username="caregiver").first()
    today = date.today()
    with transaction.atomic():
        for number, (locality, locality_name) in enumerate(PILOT_LOCALITIES.items()):
            prefer = caregiver_user.region_code if caregiver_user and number == 0 else None
            townships = _villages_by_township(locality, prefer)
            if not townships:
                stdout.write(f"{locality_name}：没有演示老年人，跳过服务机构")
                continue
            county = ancestor_codes(townships[0][0])[Level.COUNTY - 1]
            if number == 0 and provider_user and provider_user.region_code:
                county = provider_user.region_code
            chain = _provider(
                f"{locality_name}{CHAIN}服务有限公司",
                _credit_code("9", "1", county, f"{locality}:chain"),
                ProviderKind.ENTERPRISE,
                county,
                [county],
                brand=CHAIN if number < 2 else "",
            )
            social = _provider(
                f"{locality_name}乐龄社会工作服务中心",
                _credit_code("5", "2", county, f"{locality}:social"),
                ProviderKind.SOCIAL_ORGANISATION,
                county,
                [code for code, _ in townships],
            )
            _prices(chain, items, 0)
            _prices(social, items, -200)
            for index in range(4):
                region = townships[index % len(townships)][0]
                _staff(chain, region, index, items, today)
                _staff(social, region, index, items, today)
            made = _facilities(locality, townships, chain, items)
            if number == 0:
                _yongzhou_extras(
                    chain, county, townships, items, today, admin, provider_user, caregiver_user
                )
            stdout.write(f"{locality_name}：服务机构 2 家，从业人员 8 人，新增设施 {made} 处")


def _yongzhou_extras(
    chain: Provider,
    county: str,
    townships: list[tuple[str, list[str]]],
    items: list[ServiceItem],
    today: date,
    admin: User | None,
    provider_user: User | None,
    caregiver_user: User | None,
) -> None:
    """A suspended provider, a blacklisted caregiver and the demo logins' staff records."""
    suspended = _provider(
        "永州康乐家政服务有限公司",
        _credit_code("9", "1", county, "431100000000:suspended"),
        ProviderKind.ENTERPRISE,
        county,
        [county],
    )
    if suspended.status == ProviderStatus.ACTIVE:
        Provider.objects.filter(pk=suspended.pk).update(
            status=ProviderStatus.SUSPENDED,
            status_reason="消防安全检查不合格，限期整改",
            status_date=date(2026, 3, 1),
            status_authority="永州市民政局",
        )
    township = townships[0][0]
    bad = _staff(chain, township, 9, items, today, name="马某某")
    if admin is not None and bad.status != StaffStatus.BLACKLISTED:
        StaffMember.objects.filter(pk=bad.pk).update(
            status=StaffStatus.BLACKLISTED,
            status_reason="虚报服务记录",
            status_date=date(2026, 4, 2),
        )
        BlacklistEntry.objects.get_or_create(
            staff=bad,
            is_lift=False,
            decided_on=date(2026, 4, 2),
            defaults={
                "region_code": bad.region_code,
                "reason": "虚报服务记录",
                "authority": "永州市民政局",
                "decided_by": admin,
            },
        )
    if provider_user is not None:
        manager = _staff(
            chain, township, 20, items, today, name="服务机构管理员", kind=StaffKind.MANAGER
        )
        StaffMember.objects.filter(user=provider_user).exclude(pk=manager.pk).update(user=None)
        StaffMember.objects.filter(pk=manager.pk).update(user=provider_user)
    if caregiver_user is not None:
        region = caregiver_user.region_code or township
        carer = _staff(chain, region, 21, items, today, name="演示护理员")
        StaffMember.objects.filter(user=caregiver_user).exclude(pk=carer.pk).update(user=None)
        StaffMember.objects.filter(pk=carer.pk).update(user=caregiver_user)
