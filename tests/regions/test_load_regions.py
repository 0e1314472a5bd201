import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from eldercare.regions.models import ClassSource, Region
from eldercare.regions.services import correct_locality, load_regions
from eldercare.regions.sources import SourceError, locality_from_name, read_source

pytestmark = pytest.mark.django_db

OFFICIAL_HEADER = "code,name,class_code\n"
TREE = [
    ("430000000000", "湖南省", ""),
    ("431100000000", "永州市", ""),
    ("431102000000", "零陵区", ""),
    ("431102001000", "朝阳街道", ""),
    ("431102001001", "多福社区居委会", "111"),
    ("431102001201", "何仙观村委会", "220"),
]


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text(OFFICIAL_HEADER + "".join(f"{c},{n},{k}\n" for c, n, k in rows), "utf-8")
    return path


def china_division_dir(tmp_path: Path) -> Path:
    files = {
        "provinces": "code,name\n43,湖南省\n",
        "cities": "code,name,provinceCode\n4311,永州市,43\n",
        "areas": "code,name,cityCode,provinceCode\n431102,零陵区,4311,43\n",
        "streets": "code,name,areaCode,provinceCode,cityCode\n431102001,朝阳街道,431102,43,4311\n",
        "villages": "code,name,streetCode,provinceCode,cityCode,areaCode\n"
        "431102001001,多福社区居委会,431102001,43,4311,431102\n"
        "431102001201,何仙观村委会,431102001,43,4311,431102\n"
        "431102001202,农场生活区,431102001,43,4311,431102\n",
    }
    for stem, text in files.items():
        (tmp_path / f"{stem}.csv").write_text(text, "utf-8")
    return tmp_path


def load(path: Path, day: str = "2023-06-30", retire: list[str] | None = None) -> dict:
    summary = load_regions(
        read_source(path), valid_from=date.fromisoformat(day), dataset="test", retire_within=retire
    )
    return summary.as_dict()


def test_china_division_layout_loads_five_levels_with_derived_locality(tmp_path: Path) -> None:
    summary = load(china_division_dir(tmp_path))
    assert summary["created"] == 7
    assert summary["by_level"] == {1: 1, 2: 1, 3: 1, 4: 1, 5: 3}
    assert summary["locality_unknown"] == 1
    villages = dict(Region.objects.filter(level=5).values_list("name", "locality"))
    assert villages == {"多福社区居委会": "urban", "何仙观村委会": "rural", "农场生活区": ""}
    assert Region.objects.get(code="431102001201").parent_code == "431102001000"


def test_loading_the_same_list_twice_changes_nothing(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "list.csv", TREE)
    load(source)
    before = list(Region.objects.values_list("id", "code", "name", "valid_from", "valid_to"))
    summary = load(source, day="2024-06-30")
    assert summary["created"] == summary["changed"] == summary["retired"] == 0
    assert summary["unchanged"] == 6
    assert (
        list(Region.objects.values_list("id", "code", "name", "valid_from", "valid_to")) == before
    )


def test_a_renamed_village_gets_a_new_version_and_the_old_one_is_closed(tmp_path: Path) -> None:
    load(write_csv(tmp_path / "2023.csv", TREE))
    renamed = [*TREE[:-1], ("431102001201", "何仙观社区居委会", "111")]
    summary = load(write_csv(tmp_path / "2024.csv", renamed), day="2024-06-30")
    assert summary["changed"] == 1
    versions = list(
        Region.objects.filter(code="431102001201")
        .order_by("valid_from")
        .values_list("name", "locality", "valid_from", "valid_to")
    )
    assert versions == [
        ("何仙观村委会", "rural", date(2023, 6, 30), date(2024, 6, 29)),
        ("何仙观社区居委会", "urban", date(2024, 6, 30), None),
    ]


def test_codes_missing_from_a_full_list_are_retired_and_can_be_reused(tmp_path: Path) -> None:
    load(write_csv(tmp_path / "2023.csv", TREE))
    summary = load(write_csv(tmp_path / "2024.csv", TREE[:-1]), day="2024-06-30")
    assert summary["retired"] == 1
    assert not Region.objects.current().filter(code="431102001201").exists()
    reused = [*TREE[:-1], ("431102001201", "新村村委会", "220")]
    load(write_csv(tmp_path / "2025.csv", reused), day="2025-06-30")
    assert Region.objects.current().get(code="431102001201").name == "新村村委会"
    assert Region.objects.filter(code="431102001201").count() == 2


def test_a_partial_list_retires_nothing_outside_its_scope(tmp_path: Path) -> None:
    load(write_csv(tmp_path / "2023.csv", TREE))
    summary = load(write_csv(tmp_path / "part.csv", TREE[:2]), day="2024-06-30", retire=[])
    assert summary["retired"] == 0
    assert Region.objects.current().count() == 6


def test_official_class_codes_set_locality_and_manual_corrections_survive_reload(
    tmp_path: Path,
) -> None:
    directory = china_division_dir(tmp_path)
    load(directory)
    correct_locality(actor=None, code="431102001202", locality="rural")
    summary = load(directory, day="2024-06-30")
    assert summary["changed"] == 0
    region = Region.objects.current().get(code="431102001202")
    assert (region.locality, region.class_source) == ("rural", ClassSource.MANUAL)
    official = write_csv(tmp_path / "official.csv", [*TREE, ("431102001202", "农场生活区", "121")])
    load(official, day="2025-06-30")
    region = Region.objects.current().get(code="431102001202")
    assert (region.urban_rural_class, region.locality, region.class_source) == (
        "121",
        "urban",
        ClassSource.OFFICIAL,
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name\n4311020010011,某村\n", "official.csv 第2行"),
        ("code,name\n431102001001,\n", "名称为空"),
        ("code,name,class_code\n431102001001,某村,999\n", "城乡分类代码"),
        ("id,title\n1,2\n", "缺少列"),
    ],
)
def test_malformed_files_are_refused_naming_the_place(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "official.csv"
    path.write_text(content, "utf-8")
    with pytest.raises(SourceError, match=message):
        load(path)
    assert Region.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "locality"),
    [
        ("多福巷社区居委会", "urban"),
        ("何家村村民委员会", "rural"),
        ("某某嘎查委员会", "rural"),
        ("农场生活区", ""),
    ],
)
def test_locality_is_derived_from_the_committee_type(name: str, locality: str) -> None:
    assert locality_from_name(name) == locality


def test_command_restricts_to_a_subtree_and_reports_json(tmp_path: Path, capsys) -> None:
    source = write_csv(tmp_path / "list.csv", [*TREE, ("320700000000", "连云港市", "")])
    call_command("load_regions", str(source), "--only", "431102001", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["created"] == 6
    assert not Region.objects.filter(code="320700000000").exists()


def test_command_refuses_a_missing_source(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到区划数据"):
        call_command("load_regions", str(tmp_path / "nope"))
