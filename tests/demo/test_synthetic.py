import subprocess
import sys
from collections import Counter
from datetime import date
from itertools import islice

import pytest

from eldercare.core.idcard import parse_id_number
from eldercare.core.normalize import parse_phones
from eldercare.demo import synthetic
from eldercare.demo.synthetic import HEADERS, SyntheticVillage, generate_rows

TODAY = date(2026, 11, 15)
VILLAGES = (
    SyntheticVillage("431102001001", "朝阳街道", "多福社区居委会", is_urban=True),
    SyntheticVillage("431102001201", "朝阳街道", "何仙观村委会", is_urban=False),
    SyntheticVillage("431121101203", "石期市镇", "石期市村民委员会", is_urban=False),
)
ALLOWED = {
    "性别": {"男", "女"},
    "居住状况": {"独居", "空巢", "与子女同住", "与其他亲属同住", "留守", "集中供养", "其他"},
    "经济状况": {"特困供养", "低保", "低保边缘", "脱贫/建档立卡", "一般"},
    "计生特殊家庭": {"无", "失独", "伤残"},
    "残疾类别": {"", "视力", "听力", "言语", "肢体", "智力", "精神", "多重"},
    "残疾等级": {"", "一级", "二级", "三级", "四级"},
    "医保类型": {"城镇职工", "城乡居民", "其他", "无"},
    "与老人关系": {"", "子女", "配偶", "其他亲属", "邻居", "网格员"},
}
NEEDS = {"助餐", "助浴", "助洁", "助医", "助行", "助急", "康复护理", "精神慰藉"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(generate_rows(VILLAGES, 50_000, seed=7, today=TODAY))


def age(birth: date) -> int:
    return TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))


def share(rows: list[dict[str, str]], column: str, value: str) -> float:
    return sum(row[column] == value for row in rows) / len(rows)


def test_rows_have_the_template_columns_in_order(rows: list[dict[str, str]]) -> None:
    assert len(rows) == 50_000
    assert all(tuple(row) == HEADERS for row in rows)
    assert len(HEADERS) == 23


def test_every_id_is_valid_and_agrees_with_sex_and_birth_date(rows: list[dict[str, str]]) -> None:
    for row in rows:
        parsed = parse_id_number(row["公民身份号码"], today=TODAY)
        assert parsed.number == row["公民身份号码"]
        assert parsed.birth_date.isoformat() == row["出生日期"]
        assert {"M": "男", "F": "女"}[parsed.sex] == row["性别"]


def test_ids_are_unique(rows: list[dict[str, str]]) -> None:
    assert len({row["公民身份号码"] for row in rows}) == len(rows)


def test_address_code_is_the_county_for_most_and_another_county_of_the_province_for_some(
    rows: list[dict[str, str]],
) -> None:
    local = sum(row["公民身份号码"][:6] == row["所属区划代码"][:6] for row in rows) / len(rows)
    assert 0.93 < local < 0.97
    assert all(row["公民身份号码"][:2] == "43" for row in rows)


def test_ids_stay_unique_when_a_day_runs_out_of_sequence_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(synthetic, "_SEQUENCE_SLOTS", 2)
    monkeypatch.setattr(synthetic, "_SEQUENCE_STRIDE", 1)
    rows = list(generate_rows(VILLAGES[:1], 30_000, seed=3, today=TODAY))
    assert len({row["公民身份号码"] for row in rows}) == len(rows)
    for row in rows:
        parsed = parse_id_number(row["公民身份号码"], today=TODAY)
        assert parsed.birth_date.isoformat() == row["出生日期"]
        assert age(parsed.birth_date) >= 60


def test_age_distribution_looks_like_a_county(rows: list[dict[str, str]]) -> None:
    ages = [age(date.fromisoformat(row["出生日期"])) for row in rows]
    assert min(ages) >= 60
    assert max(ages) <= 106
    bands = Counter(min(a // 10 * 10, 90) for a in ages)
    total = len(ages)
    assert 0.50 < bands[60] / total < 0.60
    assert 0.26 < bands[70] / total < 0.34
    assert 0.10 < bands[80] / total < 0.16
    assert 0.01 < bands[90] / total < 0.03

    def female_share(low: int, high: int) -> float:
        group = [r for r, a in zip(rows, ages, strict=True) if low <= a <= high]
        return share(group, "性别", "女")

    assert 0.45 < female_share(60, 69) < 0.56
    assert female_share(90, 110) > female_share(60, 69) + 0.05


def test_vocabulary_values_are_the_template_ones(rows: list[dict[str, str]]) -> None:
    for column, allowed in ALLOWED.items():
        assert {row[column] for row in rows} <= allowed, column
    for row in rows:
        assert bool(row["残疾类别"]) == bool(row["残疾等级"])
        needs = row["服务需求"].split("、") if row["服务需求"] else []
        assert set(needs) <= NEEDS
        assert len(needs) == len(set(needs))
        assert bool(row["紧急联系人"]) == bool(row["与老人关系"])
        assert row["民族"].endswith("族")
        assert 2 <= len(row["姓名"]) <= 30
        assert row["筛查人"]


def test_category_rates_are_realistic(rows: list[dict[str, str]]) -> None:
    assert 0.01 < share(rows, "经济状况", "特困供养") < 0.03
    assert 0.045 < share(rows, "经济状况", "低保") < 0.075
    assert 0.01 < share(rows, "经济状况", "低保边缘") < 0.03
    rural = [row for row in rows if row["所属区划代码"] != "431102001001"]
    urban = [row for row in rows if row["所属区划代码"] == "431102001001"]
    assert 0.035 < share(rural, "经济状况", "脱贫/建档立卡") < 0.065
    assert share(urban, "经济状况", "脱贫/建档立卡") < 0.02
    assert share(urban, "居住状况", "留守") == 0
    assert 0.06 < share(rural, "居住状况", "留守") < 0.10
    assert 0.08 < share(rows, "居住状况", "独居") < 0.12
    assert 0.2 < share(rows, "居住状况", "空巢") < 0.3
    assert 0.4 < share(rows, "居住状况", "与子女同住") < 0.52
    assert 0.005 < share(rows, "居住状况", "集中供养") < 0.015
    assert 0.002 < share(rows, "计生特殊家庭", "失独") < 0.009
    assert 0.04 < 1 - share(rows, "残疾类别", "") < 0.08
    assert 0.7 < share(rural, "医保类型", "城乡居民") < 0.8
    assert 0.45 < share(urban, "医保类型", "城乡居民") < 0.55
    assert 0.87 < sum(r["户籍地址"] == r["现居住地址"] for r in rows) / len(rows) < 0.93


def test_addresses_follow_rural_and_urban_forms(rows: list[dict[str, str]]) -> None:
    first = {row["所属区划代码"]: row["现居住地址"] for row in rows}
    assert first["431102001001"].startswith("朝阳街道多福社区")
    assert "栋" in first["431102001001"] and "单元" in first["431102001001"]
    assert first["431102001201"].startswith("朝阳街道何仙观村")
    assert "组" in first["431102001201"]
    assert (
        first["431121101203"].startswith("石期市镇石期市村") and "村村" not in first["431121101203"]
    )


def test_phones_parse_and_have_the_expected_mix(rows: list[dict[str, str]]) -> None:
    kinds: Counter[str] = Counter()
    for row in rows:
        for column in ("联系电话", "紧急联系人电话"):
            phones = parse_phones(row[column])
            assert phones == ([row[column]] if row[column] else [])
        phone = row["联系电话"]
        kinds["empty" if not phone else "landline" if phone.startswith("0") else "mobile"] += 1
    assert 0.66 < kinds["mobile"] / len(rows) < 0.74
    assert 0.12 < kinds["landline"] / len(rows) < 0.18
    assert all(row["联系电话"].startswith("0746-") for row in rows if row["联系电话"][:1] == "0")


def test_screening_dates_are_within_the_last_year(rows: list[dict[str, str]]) -> None:
    for row in rows:
        days = (TODAY - date.fromisoformat(row["筛查日期"])).days
        assert 0 < days <= 365


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first = list(generate_rows(VILLAGES, 500, seed=11, today=TODAY))
    again = list(generate_rows(VILLAGES, 500, seed=11, today=TODAY))
    other = list(generate_rows(VILLAGES, 500, seed=12, today=TODAY))
    assert first == again
    assert first != other
    assert [r["姓名"] for r in first] != [r["姓名"] for r in other]


def test_given_counties_are_used_for_people_who_moved() -> None:
    rows = generate_rows(
        VILLAGES[:1], 4000, today=TODAY, other_counties=["431103", "431171", "520381"]
    )
    codes = Counter(row["公民身份号码"][:6] for row in rows)
    assert set(codes) == {"431102", "431103"}


def test_ethnic_names_with_middle_dot_in_xinjiang() -> None:
    village = SyntheticVillage("653101100200", "xx乡", "xx村委会", is_urban=False)
    rows = list(generate_rows([village], 2000, today=TODAY))
    uyghur = [row for row in rows if row["民族"] == "维吾尔族"]
    assert uyghur and all("·" in row["姓名"] for row in uyghur)


def test_rows_are_split_over_all_villages_and_count_is_exact() -> None:
    rows = list(islice(generate_rows(VILLAGES, 301, today=TODAY), 1000))
    assert len(rows) == 301
    assert len({row["所属区划代码"] for row in rows}) == 3
    assert list(generate_rows(VILLAGES, 0, today=TODAY)) == []


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="没有村"):
        generate_rows([], 10, today=TODAY)
    with pytest.raises(ValueError, match="12位"):
        list(generate_rows([SyntheticVillage("4311", "a", "b", False)], 1, today=TODAY))


def test_module_does_not_import_django() -> None:
    code = (
        "import sys, eldercare.demo.synthetic, eldercare.demo.writers; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
