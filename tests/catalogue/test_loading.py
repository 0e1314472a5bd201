"""The loader: the shipped files, idempotency, new versions from changed files, and the exact
place of every kind of malformed file."""

import csv
import io
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from eldercare.catalogue.errors import CatalogueFileError
from eldercare.catalogue.loading import DATA_DIR, load_files, read_file, shipped_files
from eldercare.catalogue.models import (
    ListKind,
    ListStatus,
    ServiceItem,
    ServiceList,
    ServiceListEntry,
)
from eldercare.catalogue.queries import items_in_effect
from eldercare.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

LOCALITIES = {
    "431100000000": "永州市",
    "520381000000": "赤水市",
    "620422000000": "会宁县",
    "320700000000": "连云港市",
}
DATASET = Path(__file__).resolve().parents[2] / "var" / "datasets" / "china-division-2.7.0"


def state() -> tuple[list[Any], ...]:
    return (
        list(ServiceItem.objects.order_by("id").values()),
        list(ServiceList.objects.order_by("id").values()),
        list(ServiceListEntry.objects.order_by("id").values()),
        list(AuditEvent.objects.order_by("id").values()),
    )


# --- the shipped data ---------------------------------------------------------------------------


def test_the_shipped_files_load_and_reload_without_change() -> None:
    first = load_files(shipped_files())
    assert first.as_dict() == {
        "files": [
            "000-national.yaml",
            "320700-lianyungang.yaml",
            "431100-yongzhou.yaml",
            "520381-chishui.yaml",
            "620422-huining.yaml",
        ],
        "items_created": 35,
        "items_changed": 0,
        "items_unchanged": 0,
        "lists_created": 8,
        "lists_unchanged": 0,
        "lists_closed": 0,
    }
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 35 + 8
    before = state()
    second = load_files(shipped_files())
    assert (second.items_created, second.items_changed, second.items_unchanged) == (0, 0, 35)
    assert (second.lists_created, second.lists_unchanged) == (0, 8)
    assert state() == before


def test_the_shipped_files_cover_the_nation_and_the_four_seed_localities() -> None:
    regions = {read_file(path).region_code for path in shipped_files()}
    assert regions == {"", *LOCALITIES}


@pytest.mark.skipif(not DATASET.exists(), reason="china-division dataset not fetched")
def test_the_locality_codes_are_real_divisions() -> None:
    names = {}
    for file_name in ("cities.csv", "areas.csv"):
        with (DATASET / file_name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                names[row["code"].ljust(12, "0")] = row["name"]
    assert {code: names[code] for code in LOCALITIES} == LOCALITIES


def test_every_locality_guarantees_emergency_help_and_care_for_the_disabled() -> None:
    # Seeds 004 basic task 6: a basic list covering at least 安全应急 and 失能照料.
    load_files(shipped_files())
    for code in LOCALITIES:
        basic = {e.item.category for e in items_in_effect(code, date(2026, 1, 1)) if e.is_basic}
        assert {"emergency", "daily_care"} <= basic, code


def test_lianyungang_purchases_services_for_the_groups_of_task_6() -> None:
    load_files(shipped_files(), only=["national", "320700"])
    purchase = items_in_effect("320700000000", date(2026, 1, 1), kinds=[ListKind.PURCHASE])
    assert {e.item.category for e in purchase} >= {"meal", "bath", "rehabilitation"}
    meal = next(e for e in purchase if e.item.category == "meal")
    assert "三无" in meal.eligibility and "五保" in meal.eligibility
    assert "每人每月不低于60元" in meal.funding


def test_unconfirmed_and_example_data_is_marked() -> None:
    load_files(shipped_files())
    national = ServiceList.objects.get(region_code="")
    assert "未经核实" in national.basis
    assert all("（示例）" in s.name for s in ServiceList.objects.exclude(region_code=""))
    priced = ServiceListEntry.objects.exclude(service_list__region_code="").exclude(
        local_price_fen=None
    )
    assert priced.exists()
    assert not priced.filter(is_price_example=False).exclude(local_price_fen=0).exists()


# --- versions from changed files ----------------------------------------------------------------


def yongzhou_copy(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = (DATA_DIR / "431100-yongzhou.yaml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "431100-yongzhou.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_changed_list_becomes_a_new_version_and_the_old_one_ends(tmp_path: Path) -> None:
    national = DATA_DIR / "000-national.yaml"
    load_files([national, DATA_DIR / "431100-yongzhou.yaml"])
    changed = yongzhou_copy(
        tmp_path,
        (
            'effective_from: "2020-10-01"\n    basis: >-\n      “6”',
            'effective_from: "2026-01-01"\n    basis: >-\n      “6”',
        ),
        (
            '- item: ZC-001\n        local_price: "10.00"',
            '- item: ZC-001\n        local_price: "11.00"',
        ),
    )
    summary = load_files([national, changed])
    assert (summary.lists_created, summary.lists_unchanged, summary.lists_closed) == (1, 2, 1)
    v1, v2 = ServiceList.objects.filter(region_code="431100000000", kind="six_plus_x").order_by(
        "version"
    )
    assert (v1.effective_to, v1.superseded_by, v2.effective_from, v2.based_on) == (
        date(2025, 12, 31),
        v2,
        date(2026, 1, 1),
        v1,
    )
    assert v1.entries.get(item__code="ZC-001").local_price_fen == 1000  # never edited in place
    assert v2.entries.get(item__code="ZC-001").local_price_fen == 1100
    before = state()
    load_files([national, changed])
    assert state() == before


def test_a_changed_list_with_the_same_date_is_refused_with_its_place(tmp_path: Path) -> None:
    national = DATA_DIR / "000-national.yaml"
    load_files([national, DATA_DIR / "431100-yongzhou.yaml"])
    changed = yongzhou_copy(tmp_path, ('local_price: "13.00"', 'local_price: "14.00"'))
    line = next(
        number
        for number, text in enumerate(changed.read_text(encoding="utf-8").splitlines(), start=1)
        if text.strip() == 'effective_from: "2020-10-01"' and number > 50
    )
    before = state()
    with pytest.raises(CatalogueFileError) as caught:
        load_files([national, changed])
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.path, problem.code) == (
        "431100-yongzhou.yaml",
        line,
        "lists[1].effective_from",
        "overlap",
    )
    assert "第1版（2020-10-01 至 长期）" in problem.message
    assert state() == before


def test_formatting_changes_are_not_new_versions(tmp_path: Path) -> None:
    national = DATA_DIR / "000-national.yaml"
    load_files([national, DATA_DIR / "431100-yongzhou.yaml"])
    reformatted = yongzhou_copy(
        tmp_path,
        ('local_price: "13.00"', "local_price: 13"),
        ("region_name: 永州市", "region_name: 永州市  # 注释\n"),
    )
    summary = load_files([national, reformatted])
    assert (summary.lists_created, summary.lists_unchanged) == (0, 3)


def test_a_changed_item_is_updated_in_place_with_audit(tmp_path: Path) -> None:
    load_files([DATA_DIR / "000-national.yaml", DATA_DIR / "431100-yongzhou.yaml"])
    changed = yongzhou_copy(tmp_path, ("name: 时间银行互助服务", "name: 时间银行"))
    summary = load_files([changed], only=["431100"])
    assert (summary.items_changed, summary.items_unchanged) == (1, 1)
    assert ServiceItem.objects.get(code="YZ-X-001").name == "时间银行"
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert event.changes == {"name": ["时间银行互助服务", "时间银行"]}
    assert event.detail == {"reason": "载入 431100-yongzhou.yaml"}


def test_dry_run_writes_nothing() -> None:
    before = state()
    summary = load_files(shipped_files(), dry_run=True)
    assert summary.lists_created == 8
    assert state() == before


def test_only_selects_files_by_region() -> None:
    summary = load_files(shipped_files(), only=["national"])
    assert summary.files == ["000-national.yaml"]
    summary = load_files(shipped_files(), only=["4311"])
    assert summary.files == ["431100-yongzhou.yaml"]
    assert set(ServiceList.objects.values_list("region_code", flat=True)) == {"", "431100000000"}


def test_a_locality_without_the_national_items_names_the_missing_item() -> None:
    with pytest.raises(CatalogueFileError) as caught:
        load_files(shipped_files(), only=["620422"])
    first = caught.value.problems[0]
    assert (first.file, first.path, first.code) == (
        "620422-huining.yaml",
        "lists[0].entries[0].item",
        "item_unknown",
    )
    assert "ZC-001" in first.message
    assert not ServiceList.objects.exists()


# --- malformed files ----------------------------------------------------------------------------

VALID = """\
region: "431102000000"
items:
  - code: LL-X-001
    name: 理发
    category: other
    unit: visit
    standard_price: "15.00"
lists:
  - kind: six_plus_x
    name: 零陵区清单
    effective_from: "2024-01-01"
    entries:
      - item: LL-X-001
        local_price: "12.00"
"""


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(CatalogueFileError) as caught:
        load_files([path])
    assert all(p.file == path.name for p in caught.value.problems)
    return [(p.line, p.path, p.code) for p in caught.value.problems]


def test_the_valid_example_loads(tmp_path: Path) -> None:
    summary = load_files([write(tmp_path, VALID)])
    assert (summary.items_created, summary.lists_created) == (1, 1)
    entry = ServiceListEntry.objects.get()
    assert (entry.local_price_fen, entry.service_list.status) == (1200, ListStatus.PUBLISHED)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('region: "431102000000"', 'region: "4311x"', [(1, "region", "region_invalid")]),
        ('region: "431102000000"\n', "", [(1, "region", "required")]),
        ("    unit: visit", "    unit: 年", [(6, "items[0].unit", "choice_unknown")]),
        ("    category: other", "    category: 飞行", [(5, "items[0].category", "choice_unknown")]),
        ("    category: other\n", "", [(3, "items[0].category", "required")]),
        (
            "    name: 理发",
            "    nmae: 理发",
            [(4, "items[0].nmae", "key_unknown"), (3, "items[0].name", "required")],
        ),
        ("  - code: LL-X-001", "  - code: ll_x", [(3, "items[0].code", "code_invalid")]),
        (
            '    standard_price: "15.00"',
            '    standard_price: "15.001"',
            [(7, "items[0].standard_price", "price_decimals")],
        ),
        (
            '    standard_price: "15.00"',
            "    standard_price: 15.5",
            [(7, "items[0].standard_price", "price_type")],
        ),
        (
            '    standard_price: "15.00"',
            "    standard_price: 十五",
            [(7, "items[0].standard_price", "price_format")],
        ),
        ("  - kind: six_plus_x", "  - kind: seven", [(9, "lists[0].kind", "choice_unknown")]),
        (
            '    effective_from: "2024-01-01"',
            '    effective_from: "2024-02-30"',
            [(11, "lists[0].effective_from", "date_invalid")],
        ),
        (
            '    effective_from: "2024-01-01"',
            "    effective_from: 2024",
            [(11, "lists[0].effective_from", "date_format")],
        ),
        (
            '    effective_from: "2024-01-01"',
            '    effective_from: "2024-01-01"\n    effective_to: "2023-12-31"',
            [(12, "lists[0].effective_to", "dates_reversed")],
        ),
        ('    effective_from: "2024-01-01"\n', "", [(9, "lists[0].effective_from", "required")]),
        (
            '        local_price: "12.00"',
            '        local_price: "-1"',
            [(14, "lists[0].entries[0].local_price", "price_negative")],
        ),
        (
            '        local_price: "12.00"',
            '        price: "12.00"',
            [(14, "lists[0].entries[0].price", "key_unknown")],
        ),
        (
            "      - item: LL-X-001",
            "      - item: ZZ-404",
            [(13, "lists[0].entries[0].item", "item_unknown")],
        ),
        (
            "      - item: LL-X-001\n",
            "      - item: \n",
            [(13, "lists[0].entries[0].item", "required")],
        ),
        ("lists:", "list:", [(8, "list", "key_unknown")]),
        (
            '    entries:\n      - item: LL-X-001\n        local_price: "12.00"\n',
            "    entries: 全部\n",
            [(12, "lists[0].entries", "shape")],
        ),
        ("items:\n", "items: 无\nx:\n", [(3, "x", "key_unknown"), (2, "items", "shape")]),
        ("    name: 零陵区清单", "    name: 零陵区清单\n    name: 重复", [(11, "", "yaml_syntax")]),
        ("    name: 理发", "    name: [理发", [(5, "", "yaml_syntax")]),
    ],
)
def test_malformed_files_are_refused_at_the_exact_place(tmp_path, old, new, expected) -> None:
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    before = state()
    assert problems_of(path) == expected
    assert state() == before


def test_duplicates_within_a_file_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace(
            "lists:",
            "  - code: LL-X-001\n    name: 又一个\n    category: other\n    unit: visit\nlists:",
        ).replace(
            '        local_price: "12.00"', '        local_price: "12.00"\n      - item: LL-X-001'
        ),
    )
    assert problems_of(path) == [
        (8, "items[1].code", "code_duplicate"),
        (19, "lists[0].entries[1].item", "item_duplicate"),
    ]


def test_a_file_that_is_not_a_mapping_or_not_utf8_is_refused(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path, "- 1\n- 2\n")) == [(1, "", "file_shape")]
    path = tmp_path / "gbk.yaml"
    path.write_bytes("region: 全国\n".encode("gbk"))
    assert problems_of(path) == [(0, "", "encoding")]


def test_the_national_file_has_only_a_basic_list(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('region: "431102000000"', 'region: ""'))
    assert problems_of(path) == [(9, "lists[0].kind", "kind_national")]


def test_an_item_code_of_another_region_cannot_be_redefined(tmp_path: Path) -> None:
    load_files([write(tmp_path, VALID)])
    other = write(tmp_path, VALID.replace("431102000000", "431103000000"), name="other.yaml")
    assert problems_of(other) == [(3, "items[0].code", "code_taken")]


def test_an_item_of_another_region_cannot_be_listed(tmp_path: Path) -> None:
    load_files([write(tmp_path, VALID)])
    text = VALID.replace("431102000000", "431103000000").split("lists:")[1]
    other = write(tmp_path, 'region: "431103000000"\nlists:' + text, name="other.yaml")
    assert problems_of(other) == [(7, "lists[0].entries[0].item", "item_unknown")]


def test_all_problems_of_all_files_are_reported_together(tmp_path: Path) -> None:
    one = write(tmp_path, VALID.replace("unit: visit", "unit: 年"), name="one.yaml")
    two = write(tmp_path, VALID.replace("kind: six_plus_x", "kind: x"), name="two.yaml")
    with pytest.raises(CatalogueFileError) as caught:
        load_files([one, two])
    assert [(p.file, p.path) for p in caught.value.problems] == [
        ("one.yaml", "items[0].unit"),
        ("two.yaml", "lists[0].kind"),
    ]
    assert str(caught.value).splitlines()[0].startswith("one.yaml 第6行 items[0].unit：")


# --- the command --------------------------------------------------------------------------------


def test_the_command_prints_a_summary_and_is_idempotent() -> None:
    out = io.StringIO()
    call_command("load_service_catalogue", stdout=out)
    assert "服务项目：新增 35，变更 0，未变 0" in out.getvalue()
    out = io.StringIO()
    call_command("load_service_catalogue", "--json", stdout=out)
    assert '"lists_unchanged": 8' in out.getvalue()


def test_the_command_refuses_a_bad_file_with_its_place(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("unit: visit", "unit: 年"))
    with pytest.raises(CommandError) as caught:
        call_command("load_service_catalogue", str(path))
    assert "bad.yaml 第6行 items[0].unit：无法识别：年" in str(caught.value)
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_service_catalogue", str(tmp_path / "missing.yaml"))
    with pytest.raises(CommandError, match="--only"):
        call_command("load_service_catalogue", "--only", "43x")


def test_the_command_dry_run_and_only() -> None:
    out = io.StringIO()
    call_command("load_service_catalogue", "--dry-run", "--only", "national", stdout=out)
    assert "（预检，未写入）" in out.getvalue()
    assert not ServiceItem.objects.exists()


def test_two_lists_of_one_kind_in_a_file_are_refused(tmp_path: Path) -> None:
    second = VALID.split("lists:\n")[1].replace("零陵区清单", "又一个")
    path = write(tmp_path, VALID + second)
    assert problems_of(path) == [(15, "lists[1].kind", "kind_duplicate")]


def test_the_loader_publishes_beside_an_admins_draft(tmp_path: Path) -> None:
    load_files([write(tmp_path, VALID)])
    draft = ServiceList.objects.create(
        region_code="431102000000", kind="six_plus_x", name="草稿", version=2
    )
    changed = write(
        tmp_path, VALID.replace('"2024-01-01"', '"2025-01-01"').replace('"12.00"', '"13.00"')
    )
    load_files([changed])
    versions = ServiceList.objects.filter(region_code="431102000000").order_by("version")
    assert [(v.version, v.status, v.effective_to) for v in versions] == [
        (1, ListStatus.PUBLISHED, date(2024, 12, 31)),
        (2, ListStatus.DRAFT, None),
        (3, ListStatus.PUBLISHED, None),
    ]
    assert versions[1] == draft
