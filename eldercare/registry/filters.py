"""The one list filter of the registry, shared by the pages, the API and exports.

Parameters arrive as text (a query string or a form); each is checked and turned into a database
condition. A blank value counts as absent so an empty form field filters nothing.
"""

from collections.abc import Mapping
from datetime import date, timedelta

from django.db.models import QuerySet

from eldercare.regions.codes import RegionCodeError, normalize_code, subtree_range
from eldercare.registry.choices import EconomicStatus, LivingArrangement, ResidentStatus, Sex
from eldercare.registry.models import Resident
from eldercare.registry.queries import category_q, search_q
from eldercare.registry.rules import Category, birth_date_limit

ALL_STATUSES = "all"
DEFAULT_STATUS = ResidentStatus.ACTIVE.value
# The id tie-breaker keeps page boundaries stable when many rows share a name or birth date.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "birth_date": ("birth_date", "id"),
    "-birth_date": ("-birth_date", "-id"),
    "region_code": ("region_code", "id"),
}
DEFAULT_ORDERING = "region_code"
MAX_AGE = 150

PARAM_LABELS = {
    "q": "搜索",
    "region": "区划",
    "category": "类别",
    "status": "状态",
    "sex": "性别",
    "age_min": "最小年龄",
    "age_max": "最大年龄",
    "living_arrangement": "居住状况",
    "economic_status": "经济状况",
    "ordering": "排序",
}


class FilterError(ValueError):
    """A filter parameter has a value that cannot be applied; `param` names it."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(f"参数 {param}（{PARAM_LABELS[param]}）{message}")


def filter_residents(
    queryset: QuerySet[Resident], params: Mapping[str, str], *, today: date
) -> tuple[QuerySet[Resident], dict[str, str]]:
    """The rows matching `params` and the cleaned parameters that were applied.

    The caller scopes `queryset` first (accounts.access); a region outside that scope simply
    matches nothing here.
    """
    applied: dict[str, str] = {}

    q = _text(params, "q")
    if q:
        queryset = queryset.filter(search_q(q))
        applied["q"] = q

    region = _text(params, "region")
    if region:
        try:
            code = normalize_code(region)
        except RegionCodeError as error:
            raise FilterError("region", f"应为12位区划代码：{region}") from error
        low, high = subtree_range(code)
        queryset = queryset.filter(region_code__gte=low, region_code__lte=high)
        applied["region"] = code

    categories = _categories(params)
    for category in categories:
        queryset = queryset.filter(category_q(category, today))
    if categories:
        applied["category"] = ",".join(categories)

    status = _text(params, "status") or DEFAULT_STATUS
    if status != ALL_STATUSES:
        _check_choice("status", status, [*ResidentStatus.values, ALL_STATUSES])
        queryset = queryset.filter(status=status)
    applied["status"] = status

    for param, choices in (
        ("sex", Sex.values),
        ("living_arrangement", LivingArrangement.values),
        ("economic_status", EconomicStatus.values),
    ):
        value = _text(params, param)
        if value:
            _check_choice(param, value, choices)
            queryset = queryset.filter(**{param: value})
            applied[param] = value

    age_min, age_max = _age(params, "age_min"), _age(params, "age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise FilterError("age_min", f"不能大于最大年龄（{age_min} > {age_max}）")
    if age_min is not None:
        queryset = queryset.filter(birth_date__lte=birth_date_limit(age_min, today))
        applied["age_min"] = str(age_min)
    if age_max is not None:
        # At most N years old = born after the day one would turn N + 1.
        oldest_birth = birth_date_limit(age_max + 1, today) + timedelta(days=1)
        queryset = queryset.filter(birth_date__gte=oldest_birth)
        applied["age_max"] = str(age_max)

    ordering = _text(params, "ordering")
    if ordering:
        _check_choice("ordering", ordering, list(ORDERINGS))
        applied["ordering"] = ordering
    queryset = queryset.order_by(*ORDERINGS[ordering or DEFAULT_ORDERING])
    return queryset, applied


def _text(params: Mapping[str, str], param: str) -> str:
    return str(params.get(param) or "").strip()


def _values(params: Mapping[str, str], param: str) -> list[str]:
    """Repeated parameters (?category=a&category=b) and comma-separated ones (?category=a,b)."""
    getlist = getattr(params, "getlist", None)
    raw = getlist(param) if getlist is not None else [params.get(param) or ""]
    return [item.strip() for value in raw for item in str(value).split(",") if item.strip()]


def _categories(params: Mapping[str, str]) -> list[Category]:
    found: list[Category] = []
    for value in _values(params, "category"):
        try:
            category = Category(value)
        except ValueError as error:
            raise FilterError("category", _choice_message(value, list(Category))) from error
        if category not in found:
            found.append(category)
    return found


def _check_choice(param: str, value: str, choices: list[str]) -> None:
    if value not in choices:
        raise FilterError(param, _choice_message(value, choices))


def _choice_message(value: str, choices: list[str]) -> str:
    return f"无法识别“{value}”，可选：{'、'.join(choices)}"


def _age(params: Mapping[str, str], param: str) -> int | None:
    text = _text(params, param)
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_AGE:
        raise FilterError(param, f"应为0–{MAX_AGE}之间的整数：{text}")
    return int(text)
