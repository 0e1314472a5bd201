import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from eldercare.core.idcard import parse_id_number
from eldercare.demo.synthetic import HEADERS
from eldercare.regions.models import Region

pytestmark = pytest.mark.django_db

TODAY = "2026-11-15"
TREE = [
    ("430000000000", "湖南省", 1, "", ""),
    ("431100000000", "永州市", 2, "430000000000", ""),
    ("431102000000", "零陵区", 3, "431100000000", ""),
    ("431103000000", "冷水滩区", 3, "431100000000", ""),
    ("431102001000", "朝阳街道", 4, "431102000000", ""),
    ("431102001001", "多福社区居委会", 5, "431102001000", "urban"),
    ("431102001201", "何仙观村委会", 5, "431102001000", "rural"),
    ("431103001000", "梅湾街道", 4, "431103000000", ""),
]


@pytest.fixture
def regions() -> None:
    for code, name, level, parent, locality in TREE:
        Region.objects.create(
            code=code,
            name=name,
            level=level,
            parent_code=parent,
            locality=locality,
            valid_from=date(2023, 6, 30),
        )


def generate(region: str, count: int, output: Path, *extra: str) -> str:
    out = StringIO()
    call_command(
        "generate_residents",
        "--region",
        region,
        "--residents",
        str(count),
        "--output",
        str(output),
        "--today",
        TODAY,
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_csv_has_header_rows_and_string_ids(regions: None, tmp_path: Path) -> None:
    path = tmp_path / "residents.csv"
    message = generate("431102", 120, path)
    assert message.startswith(f"已生成 120 行：{path}（用时 ")
    assert message.rstrip().endswith("秒）")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == HEADERS
    assert len(rows) == 121
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert {r["所属区划代码"] for r in records} == {"431102001001", "431102001201"}
    assert {r["所属乡镇（街道）"] for r in records} == {"朝阳街道"}
    for record in records:
        parse_id_number(record["公民身份号码"], today=date.fromisoformat(TODAY))
    assert {r["公民身份号码"][:6] for r in records} <= {"431102", "431103"}


def test_xlsx_keeps_ids_and_phones_as_text(regions: None, tmp_path: Path) -> None:
    path = tmp_path / "residents.xlsx"
    generate("431100000000", 80, path, "--seed", "5")
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert tuple(sheet[0]) == HEADERS
    assert len(sheet) == 81
    id_column = HEADERS.index("公民身份号码")
    code_column = HEADERS.index("所属区划代码")
    phone_column = HEADERS.index("联系电话")
    for row in sheet[1:]:
        id_cell, code_cell, phone_cell = row[id_column], row[code_column], row[phone_column]
        assert isinstance(id_cell, str) and len(id_cell) == 18
        assert isinstance(code_cell, str) and len(code_cell) == 12
        assert isinstance(phone_cell, str)


def test_same_seed_gives_the_same_file(regions: None, tmp_path: Path) -> None:
    generate("431102001000", 50, tmp_path / "a.csv", "--seed", "9")
    generate("431102001000", 50, tmp_path / "b.csv", "--seed", "9")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_errors_are_command_errors(regions: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="不存在"):
        generate("439999", 10, tmp_path / "x.csv")
    with pytest.raises(CommandError, match="没有村"):
        generate("431103", 10, tmp_path / "x.csv")
    with pytest.raises(CommandError, match="不支持的输出格式"):
        generate("431102", 10, tmp_path / "x.json")
    with pytest.raises(CommandError, match="区划代码"):
        generate("43a", 10, tmp_path / "x.csv")
    with pytest.raises(CommandError, match="正整数"):
        generate("431102", 0, tmp_path / "x.csv")
