from datetime import date

import pytest
from django.http import QueryDict

from eldercare.registry.filters import FilterError, filter_residents
from eldercare.registry.models import Resident
from eldercare.registry.rules import age_on
from tests import factories
from tests.conftest import World

TODAY = date(2026, 5, 1)


def names(params: dict[str, str] | QueryDict) -> list[str]:
    queryset, _ = filter_residents(Resident.objects.all(), params, today=TODAY)
    return list(queryset.values_list("name", flat=True))


def applied(params: dict[str, str] | QueryDict) -> dict[str, str]:
    return filter_residents(Resident.objects.all(), params, today=TODAY)[1]


def error_of(params: dict[str, str]) -> FilterError:
    with pytest.raises(FilterError) as caught:
        filter_residents(Resident.objects.all(), params, today=TODAY)
    return caught.value


@pytest.fixture
def people(world: World) -> World:
    factories.resident(
        world.village_a,
        name="张三",
        birth=date(1946, 5, 1),
        sex="M",
        phones=("13800001111",),
        economic_status="dibao",
        living_arrangement="alone",
    )
    factories.resident(
        world.village_a2,
        name="李四",
        birth=date(1961, 5, 2),
        sex="F",
        economic_status="general",
        living_arrangement="with_children",
    )
    factories.resident(
        world.village_a_other,
        name="王五",
        birth=date(1940, 1, 1),
        sex="M",
        economic_status="destitute",
        living_arrangement="empty_nest",
    )
    factories.resident(
        world.village_b,
        name="欧阳秀英",
        birth=date(1955, 7, 7),
        sex="F",
    )
    factories.resident(
        world.village_a,
        name="赵六",
        birth=date(1944, 2, 2),
        status="deceased",
        status_date=date(2026, 1, 1),
    )
    factories.resident(
        world.village_b,
        name="钱七",
        birth=date(1950, 3, 3),
        status="moved_out",
        status_date=date(2025, 1, 1),
        moved_to="长沙市",
    )
    return world


def test_no_parameters_lists_active_residents_by_region_then_id(people: World) -> None:
    assert names({}) == ["张三", "李四", "王五", "欧阳秀英"]
    assert applied({}) == {"status": "active"}


def test_blank_values_filter_nothing(people: World) -> None:
    blank = dict.fromkeys(("q", "region", "category", "sex", "age_min", "ordering"), " ")
    assert names(blank) == ["张三", "李四", "王五", "欧阳秀英"]
    assert applied(blank) == {"status": "active"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", ["张三", "李四", "王五", "欧阳秀英"]),
        ("deceased", ["赵六"]),
        ("moved_out", ["钱七"]),
        ("all", ["张三", "赵六", "李四", "王五", "欧阳秀英", "钱七"]),
    ],
)
def test_status(people: World, status: str, expected: list[str]) -> None:
    assert names({"status": status}) == expected
    assert applied({"status": status}) == {"status": status}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("张", ["张三"]),
        ("zs", ["张三"]),
        ("ZhangSan", ["张三"]),
        ("欧阳", ["欧阳秀英"]),
        ("13800001111", ["张三"]),
        ("138000", ["张三"]),
        ("nobody", []),
    ],
)
def test_search(people: World, q: str, expected: list[str]) -> None:
    assert names({"q": q}) == expected
    assert applied({"q": f" {q} "})["q"] == q


def test_search_by_trailing_id_digits(people: World) -> None:
    number = Resident.objects.get(name="欧阳秀英").id_number
    assert names({"q": number[-6:]}) == ["欧阳秀英"]
    assert names({"q": number}) == ["欧阳秀英"]


@pytest.mark.parametrize(
    ("region", "expected", "cleaned"),
    [
        ("431102001000", ["张三", "李四"], "431102001000"),
        ("431102001002", ["李四"], "431102001002"),
        ("431102", ["张三", "李四", "王五"], "431102000000"),
        ("431100000000", ["张三", "李四", "王五", "欧阳秀英"], "431100000000"),
        ("110000000000", [], "110000000000"),
    ],
)
def test_region_subtree(people: World, region: str, expected: list[str], cleaned: str) -> None:
    assert names({"region": region}) == expected
    assert applied({"region": region})["region"] == cleaned


def test_a_region_outside_an_already_scoped_queryset_yields_nothing(people: World) -> None:
    township_a = Resident.objects.filter(region_code__startswith=people.township_a)
    queryset, _ = filter_residents(township_a, {"region": people.county_b}, today=TODAY)
    assert list(queryset) == []


@pytest.mark.parametrize("region", ["abc", "43110", "4311020010011", "４３１１"])
def test_region_must_be_a_code(people: World, region: str) -> None:
    error = error_of({"region": region})
    assert error.param == "region"
    assert str(error).startswith("参数 region（区划）应为12位区划代码")


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("very_old", ["张三", "王五"]),
        ("dibao", ["张三"]),
        ("economically_difficult", ["张三", "王五"]),
        ("special_difficulty", ["张三", "王五"]),
        ("aged_65", ["张三", "王五", "欧阳秀英"]),
        ("very_old,dibao", ["张三"]),
        ("very_old, living_alone", ["张三"]),
        ("empty_nest,dibao", []),
    ],
)
def test_categories_must_all_hold(people: World, category: str, expected: list[str]) -> None:
    assert names({"category": category}) == expected


def test_repeated_category_parameters_are_combined(people: World) -> None:
    params = QueryDict("category=very_old&category=destitute&category=very_old")
    assert names(params) == ["王五"]
    assert applied(params) == {"category": "very_old,destitute", "status": "active"}


def test_unknown_category(people: World) -> None:
    error = error_of({"category": "very_old,rich"})
    assert error.param == "category"
    assert "无法识别“rich”" in str(error)
    assert "参数 category（类别）" in str(error)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sex": "M"}, ["张三", "王五"]),
        ({"sex": "F"}, ["李四", "欧阳秀英"]),
        ({"living_arrangement": "alone"}, ["张三"]),
        ({"living_arrangement": "empty_nest"}, ["王五"]),
        ({"economic_status": "general"}, ["李四"]),
        ({"economic_status": "poverty_alleviated"}, []),
    ],
)
def test_choice_filters(people: World, params: dict[str, str], expected: list[str]) -> None:
    assert names(params) == expected
    assert applied(params) == {**params, "status": "active"}


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("sex", "男"),
        ("sex", "X"),
        ("status", "dead"),
        ("living_arrangement", "独居"),
        ("economic_status", "rich"),
        ("ordering", "id_number"),
    ],
)
def test_unknown_choice(people: World, param: str, value: str) -> None:
    error = error_of({param: value})
    assert error.param == param
    assert f"参数 {param}（" in str(error)
    assert f"无法识别“{value}”" in str(error)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # 张三 turns 80 on TODAY; 李四 turns 65 tomorrow.
        ({"age_min": "80"}, ["张三", "王五"]),
        ({"age_min": "81"}, ["王五"]),
        ({"age_max": "79"}, ["李四", "欧阳秀英"]),
        ({"age_max": "80"}, ["张三", "李四", "欧阳秀英"]),
        ({"age_max": "64"}, ["李四"]),
        ({"age_min": "65", "age_max": "80"}, ["张三", "欧阳秀英"]),
        ({"age_min": "70", "age_max": "70"}, ["欧阳秀英"]),
    ],
)
def test_age_range(people: World, params: dict[str, str], expected: list[str]) -> None:
    assert names(params) == expected


def test_age_bounds_agree_with_the_age_rule(world: World) -> None:
    births = [date(1956, 4, 30), date(1956, 5, 1), date(1956, 5, 2), date(1955, 5, 2)]
    for index, birth in enumerate(births):
        factories.resident(world.village_a, name=f"人{'甲乙丙丁'[index]}", birth=birth)
    for age in (68, 69, 70, 71):
        for param, keep in (("age_min", lambda a, n: a >= n), ("age_max", lambda a, n: a <= n)):
            queryset, _ = filter_residents(Resident.objects.all(), {param: str(age)}, today=TODAY)
            expected = {b for b in births if keep(age_on(b, TODAY), age)}
            assert set(queryset.values_list("birth_date", flat=True)) == expected, (param, age)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"age_min": "abc"}, "age_min"),
        ({"age_min": "-1"}, "age_min"),
        ({"age_max": "7.5"}, "age_max"),
        ({"age_max": "151"}, "age_max"),
        ({"age_max": "８０"}, "age_max"),
        ({"age_min": "90", "age_max": "80"}, "age_min"),
    ],
)
def test_invalid_ages(people: World, params: dict[str, str], param: str) -> None:
    error = error_of(params)
    assert error.param == param
    assert f"参数 {param}（" in str(error)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", sorted(["张三", "李四", "王五", "欧阳秀英"])),
        ("-name", sorted(["张三", "李四", "王五", "欧阳秀英"], reverse=True)),
        ("birth_date", ["王五", "张三", "欧阳秀英", "李四"]),
        ("-birth_date", ["李四", "欧阳秀英", "张三", "王五"]),
        ("region_code", ["张三", "李四", "王五", "欧阳秀英"]),
    ],
)
def test_ordering(people: World, ordering: str, expected: list[str]) -> None:
    assert names({"ordering": ordering}) == expected
    assert applied({"ordering": ordering})["ordering"] == ordering


def test_combined_filters_and_their_echo(people: World) -> None:
    params = {
        "q": "z",
        "region": "431102",
        "category": "aged_65",
        "sex": "M",
        "age_min": "75",
        "economic_status": "dibao",
        "living_arrangement": "alone",
        "ordering": "-name",
        "page": "2",
    }
    assert names(params) == ["张三"]
    assert applied(params) == {
        "q": "z",
        "region": "431102000000",
        "category": "aged_65",
        "status": "active",
        "sex": "M",
        "age_min": "75",
        "economic_status": "dibao",
        "living_arrangement": "alone",
        "ordering": "-name",
    }
