"""A scoring run exported to Excel and PDF in the layout of the original sheet, with the expected
text, and an audit record for every export."""

import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.governance.exporting import run_pdf, run_xlsx
from eldercare.governance.models import ScoringRun
from tests.conftest import World
from tests.governance import builders
from tests.governance.test_scoring_runs import NOW, RUN_ON, county_a_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world: World) -> ScoringRun:
    from eldercare.governance.services.scoring import run_scoring

    with time_machine.travel(NOW, tick=False):
        sheet = builders.huining_sheet(world.county_a)
        county_a_data(world, sheet)
        return run_scoring(
            actor=world.user(Role.COUNTY_ADMIN),
            sheet=sheet,
            region_code=world.county_a,
            as_of=RUN_ON,
        )


def test_the_excel_export_has_the_layout_of_the_sheet(run: ScoringRun) -> None:
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(run_xlsx(run)))
        .get_sheet_by_name("考核表")
        .to_python()
    )
    assert rows[0][0] == "会宁县居家和社区养老服务改革试点工作要求及考核表"
    assert rows[1][0].startswith("考核对象：")
    assert rows[1][0].endswith("（431102000000）  考核日期：2021-03-01")
    assert rows[2] == [
        "序号",
        "工作内容",
        "工作要求",
        "2020年具体要求",
        "两年工作目标",
        "分值",
        "得分",
        "评分依据",
    ]
    assert rows[3][:4] == [
        "1",
        "建立政府领导、部门协同的试点工作领导小组（5分）",
        "县上建立由政府主要领导挂帅、相关部门参与的试点工作领导小组，并在民政部门设立领导小组办公室",
        "1.2020年9月底前成立（1分）",
    ]
    assert rows[3][5:7] == [1.0, 1.0]
    by_label = {row[3]: row for row in rows if isinstance(row[3], str)}
    assert by_label["第3项得分"][5:8] == [5.0, 5.0, "按本项分值封顶"]
    assert by_label["第7项得分"][5:7] == [30.0, 30.0]
    screening = by_label["2020年9月前，完成筛查摸底工作，并录入信息平台（8分）"]
    assert screening[5:7] == [8.0, 4.0]
    assert screening[7] == "8 × 0.5 / 1 = 4；特殊困难老年人筛查摸底率：2/4（2021-03-01）"
    fund = by_label[
        "2.资金执行进度符合试点工作要求。2020年底前中央财政补助资金的执行进度达到50%以上（3分）"
    ]
    assert fund[7].endswith("依据：fund_execution_rate 统计表")
    missing = by_label[
        "3.对农村老年分散特困供养对象“三个一”定期探视服务措施落实率达到80%以上（4分）"
    ]
    assert missing[6] == 0.0 and missing[7].endswith("（缺少数据，按0分计）")
    totals = {
        row[0]: row[5:7] for row in rows if row[0] in ("基本项目合计", "加分项目合计", "总得分")
    }
    assert totals == {
        "基本项目合计": [100.0, 77.5],
        "加分项目合计": [10.0, 5.0],
        "总得分": ["", 82.5],
    }
    assert rows[-1][0] == "说明：第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶"


def test_the_pdf_export_prints_the_sheet_with_the_cjk_font(run: ScoringRun) -> None:
    reader = PdfReader(io.BytesIO(run_pdf(run)))
    content = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for fragment in (
        "会宁县居家和社区养老服务改革试点工作要求及考核表",
        "考核日期：2021-03-01",
        "1.2020年9月底前成立（1分）",
        "第3项得分（细项合计8分，按本项分值封顶）",
        "基本项目合计10077.5",
        "加分项目合计105",
        "总得分82.5",
        "说明：第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶",
    ):
        assert fragment in content, fragment
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert fonts == {"Eldercare-CJK"}  # the embedded CJK font only: no blank boxes


def test_every_export_is_audited(client: Client, run: ScoringRun, world: World) -> None:
    client.force_login(world.user(Role.AUDITOR))
    xlsx = client.get(reverse("governance:run_xlsx", args=[run.pk]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(reverse("governance:run_pdf", args=[run.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id")
    assert [
        (e.object_type, e.object_id, e.region_code, e.detail["format"], e.actor_username)
        for e in events
    ] == [
        ("governance.scoringrun", str(run.pk), world.county_a, "xlsx", "auditor"),
        ("governance.scoringrun", str(run.pk), world.county_a, "pdf", "auditor"),
    ]
    client.force_login(world.user("county_b_admin"))
    assert client.get(reverse("governance:run_pdf", args=[run.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2
