"""Test data builders: valid ID numbers, regions, users and residents."""

import itertools
from datetime import date
from typing import Any

from eldercare.accounts.models import Role, User
from eldercare.core.idcard import check_character
from eldercare.core.pinyin import name_search_keys
from eldercare.regions.codes import level_of, parent_code
from eldercare.regions.models import Region
from eldercare.registry.models import Resident, ResidentPhone

_sequence = itertools.count(1)


def id_number(
    birth: date, *, sex: str = "F", address: str = "431102", serial: int | None = None
) -> str:
    """A valid GB 11643 number; the 17th digit is odd for men and even for women."""
    serial = next(_sequence) if serial is None else serial
    sequence = f"{(serial * 2 + (1 if sex == 'M' else 0)) % 1000:03d}"
    first17 = f"{address}{birth:%Y%m%d}{sequence}"
    return first17 + check_character(first17)


def region(code: str, name: str, **extra: Any) -> Region:
    return Region.objects.create(
        code=code,
        name=name,
        level=int(level_of(code)),
        parent_code=parent_code(code),
        valid_from=date(2023, 6, 30),
        **extra,
    )


def user(username: str, role: str, region_code: str = "", **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password="test-pass-2026", role=role, region_code=region_code, **extra
    )


def resident(
    region_code: str,
    *,
    name: str = "张三",
    birth: date = date(1950, 3, 5),
    sex: str = "M",
    phones: tuple[str, ...] = (),
    **extra: Any,
) -> Resident:
    """A resident written directly (bypassing services) for tests that need rows, not rules."""
    number = extra.pop("id_number", None) or id_number(birth, sex=sex)
    pinyin, initials = name_search_keys(name)
    row = Resident.objects.create(
        id_number=number,
        id_number_reversed=number[::-1],
        name=name,
        name_pinyin=pinyin,
        name_initials=initials,
        sex=sex,
        birth_date=birth,
        region_code=region_code,
        **extra,
    )
    for position, phone in enumerate(phones, start=1):
        ResidentPhone.objects.create(resident=row, number=phone, position=position)
    return row


ROLES = [role.value for role in Role]
__all__ = ["ROLES", "id_number", "region", "resident", "user"]
