"""Property: any set of valid residents written to a sheet and imported is what the database
then holds, whatever the file format or reader; importing it again changes nothing."""

from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.core.normalize import ETHNIC_GROUPS
from eldercare.registry.choices import EconomicStatus, LivingArrangement, MedicalInsurance
from eldercare.registry.importing import readers
from eldercare.registry.importing.pipeline import import_residents
from eldercare.registry.models import Resident
from tests import factories
from tests.conftest import World
from tests.registry.importing.sheets import TODAY, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

with translation.override("zh-hans"):
    LABELS = {
        "居住状况": {str(label): value for value, label in LivingArrangement.choices},
        "经济状况": {str(label): value for value, label in EconomicStatus.choices},
        "医保类型": {str(label): value for value, label in MedicalInsurance.choices},
    }
FIELDS = {
    "居住状况": "living_arrangement",
    "经济状况": "economic_status",
    "医保类型": "medical_insurance",
}
NAME_CHARACTERS = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤桂兰英秀华明国建军平芳玉珍"


@st.composite
def residents(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for serial in range(count):
        birth = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(1966, 5, 31)))
        sex = draw(st.sampled_from("MF"))
        row: dict[str, Any] = {
            "姓名": draw(st.text(NAME_CHARACTERS, min_size=2, max_size=4)),
            "公民身份号码": factories.id_number(birth, sex=sex, serial=serial),
            "性别": draw(st.sampled_from(["", "男" if sex == "M" else "女"])),
            "出生日期": draw(st.sampled_from(["", birth.isoformat(), f"{birth:%Y年%-m月%-d日}"])),
            "民族": draw(st.sampled_from(["", *ETHNIC_GROUPS])),
            "联系电话": "、".join(
                draw(
                    st.lists(
                        st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), max_size=2, unique=True
                    )
                )
            ),
            "所属区划代码": draw(st.sampled_from(["431102001001", "431102001002"])),
            "户籍地址": draw(st.text("湖南永州零陵区朝阳街道路号栋单元0123456789", max_size=40)),
        }
        for header, labels in LABELS.items():
            row[header] = draw(st.sampled_from(["", *labels]))
        rows.append(row)
    return rows


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=residents(), form=st.sampled_from(["xlsx", "xlsx-streamed", "csv-gb18030"]))
def test_valid_rows_round_trip(
    world: World, tmp_path: Path, rows: list[dict[str, Any]], form: str
) -> None:
    Resident.objects.all().delete()
    if form == "csv-gb18030":
        path = write_csv(tmp_path / "s.csv", rows, encoding="gb18030")
    else:
        path = write_xlsx(tmp_path / "s.xlsx", rows)
    threshold = 0 if form == "xlsx-streamed" else readers.STREAM_ABOVE_BYTES
    actor = world.user("county_admin")
    with mock.patch.object(readers, "STREAM_ABOVE_BYTES", threshold):
        first = import_residents(path, actor=actor, dry_run=False, valid_only=False, today=TODAY)
        assert (first.created, first.errors) == (len(rows), [])
        again = import_residents(path, actor=actor, dry_run=False, valid_only=False, today=TODAY)
        assert again.unchanged == len(rows)

    stored = {r.id_number: r for r in Resident.objects.prefetch_related("phones")}
    for row in rows:
        resident = stored[row["公民身份号码"]]
        assert resident.name == row["姓名"]
        assert resident.ethnicity == row["民族"]
        assert resident.region_code == row["所属区划代码"]
        assert resident.household_address == " ".join(row["户籍地址"].split())
        assert [p.number for p in resident.phones.all()] == (
            row["联系电话"].split("、") if row["联系电话"] else []
        )
        for header, field in FIELDS.items():
            assert getattr(resident, field) == LABELS[header].get(row[header], "")
