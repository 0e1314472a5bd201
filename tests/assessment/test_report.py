"""The assessment report PDF: what it prints, masking, the audit row, drafts and access."""

import re
from datetime import date, timedelta
from io import BytesIO
from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from eldercare.assessment import services
from eldercare.assessment.errors import AssessmentStateError
from eldercare.assessment.models import Assessment
from eldercare.assessment.report import assessment_number, assessment_report_pdf
from eldercare.assessment.scoring import GBT42195, MZT039, catalogue
from eldercare.core.masking import mask_id_number, mask_phone
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.registry.models import Resident
from tests import factories
from tests.assessment.builders import gbt42195, mzt039
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = date.today()
ID_NUMBER = factories.id_number(date(1941, 2, 3), sex="F", serial=417)
PHONE = "13812345678"
BASIC_INFO = {
    "informant_name": "王建军",
    "informant_relation": "儿子",
    "informant_phone": PHONE,
    "education": "小学",
    "diseases": ["高血压", "糖尿病"],
}


def text_of(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed: table cells wrap lines anywhere."""
    reader = PdfReader(BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def resident(world: World) -> Resident:
    return factories.resident(
        world.village_a,
        name="王秀英",
        sex="F",
        birth=date(1941, 2, 3),
        id_number=ID_NUMBER,
        residence_address="朝阳街道多福路12号",
    )


@pytest.fixture
def assessors(world: World) -> tuple[Any, Any]:
    first, second = world.user("assessor"), world.user("assessor_2")
    first.first_name, second.first_name = "李建国", "赵春梅"
    first.save()
    second.save()
    return first, second


def record(world: World, resident: Resident, assessors: tuple[Any, Any], **data: Any) -> Assessment:
    return services.record_assessment(
        actor=assessors[0],
        resident=resident,
        data={
            "standard": MZT039,
            "assessed_on": TODAY - timedelta(days=3),
            "place": "home",
            "reason": "first",
            "first_assessor": assessors[0],
            "second_assessor": assessors[1],
            "basic_info": BASIC_INFO,
            # ADL 60 → grade 2, others 0 → preliminary 2 中度失能; dementia raises it to 3; the
            # two falls fire too but the level is already at the top.
            "answers": mzt039(adl=60),
            "conditions": {"dementia": True, "events_30d": {"fall": 2}},
            **data,
        },
    )


@pytest.fixture
def assessment(world: World, resident: Resident, assessors: tuple[Any, Any]) -> Assessment:
    return record(world, resident, assessors)


def test_report_prints_the_result_and_the_people(world: World, assessment: Assessment) -> None:
    text = text_of(assessment_report_pdf(actor=world.user("auditor"), assessment=assessment))
    result = assessment.result
    assert (assessment.preliminary_level, assessment.level) == (2, 3)
    assert len(result["clauses"]) == 2
    for expected in (
        "老年人能力评估报告",
        "MZ/T039-2013《老年人能力评估》",
        assessment_number(assessment),
        "王秀英",
        "首次评估",
        "居家",
        assessment.assessed_on.strftime("%Y年%-m月%-d日"),
        "湖南省永州市零陵区朝阳街道多福社区居委会",
        "朝阳街道多福路12号",
        "王建军",
        "高血压、糖尿病",
        "李建国",
        "赵春梅",
        "初步等级2中度失能",
        result["preliminary_rule"],
        f"最终等级3{result['level_name']}",
        "评估员：李建国签名：",
        "评估员：赵春梅签名：",
        "信息提供者：王建军签名：",
        "日期：",
    ):
        assert squeezed(expected) in text, expected
    for indicator in catalogue(MZT039):
        assert indicator.name in text
        grade = result["indicators"][indicator.key]
        assert squeezed(f"{grade['grade']} {grade['grade_name']}") in text
    for clause in result["clauses"]:
        assert squeezed(clause["rule"]) in text
        assert squeezed(clause["effect"]) in text
    # The full text of a chosen option (ADL 60 leaves 床椅转移 at 15: independent).
    transfer = next(i for i in catalogue(MZT039)[0].items if i.key == "adl.transfer")
    assert squeezed(transfer.option(assessment.answers["adl.transfer"]).text) in text


def test_gbt42195_report_prints_scores_and_total(
    world: World, resident: Resident, assessors: tuple[Any, Any]
) -> None:
    assessment = record(
        world,
        resident,
        assessors,
        standard=GBT42195,
        answers=gbt42195(50),
        conditions={},
    )
    text = text_of(assessment_report_pdf(actor=world.user("county_admin"), assessment=assessment))
    assert "GB/T42195-2022《老年人能力评估规范》" in text
    for indicator in catalogue(GBT42195):
        assert indicator.name in text
        assert f"{assessment.result['indicators'][indicator.key]['score']}分" in text
    assert "老年人能力总得分50分90分" in text
    assert "能力中度受损（中度失能）" in text
    assert "无（未触发等级变更条款）" in text


def test_id_and_phone_are_masked_without_unmasked_access(
    world: World, assessment: Assessment
) -> None:
    text = text_of(assessment_report_pdf(actor=world.user("auditor"), assessment=assessment))
    assert mask_id_number(ID_NUMBER) in text
    assert ID_NUMBER not in text
    assert mask_phone(PHONE) in text
    assert PHONE not in text
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type, event.object_id, event.region_code) == (
        world.user("auditor"),
        "assessment.assessment",
        str(assessment.pk),
        world.village_a,
    )
    assert event.detail == {"kind": "assessment_report", "unmasked": False}


def test_full_id_for_a_role_that_may_see_it(world: World, assessment: Assessment) -> None:
    text = text_of(assessment_report_pdf(actor=world.user("county_admin"), assessment=assessment))
    assert ID_NUMBER in text
    assert PHONE in text
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {"kind": "assessment_report", "unmasked": True}


def test_correction_and_superseded_notes(
    world: World, assessment: Assessment, assessors: tuple[Any, Any]
) -> None:
    correction = services.correct_assessment(
        actor=assessors[0],
        original=assessment,
        # correct_assessment re-checks the stored basic_info, whose informant_phone is now a list
        # that clean_basic_info refuses; resend the form as entered.
        data={"conditions": {}, "basic_info": BASIC_INFO},
        reason="误记痴呆诊断",
    )
    new_text = text_of(assessment_report_pdf(actor=world.user("auditor"), assessment=correction))
    assert f"更正：本评估更正评估编号{assessment_number(assessment)}" in new_text
    assert "更正原因：误记痴呆诊断" in new_text
    assert "已被评估编号" not in new_text
    assessment.refresh_from_db()
    old_text = text_of(assessment_report_pdf(actor=world.user("auditor"), assessment=assessment))
    assert f"本评估已被评估编号{assessment_number(correction)}" in old_text
    assert "更正原因" not in old_text


def test_a_draft_has_no_report(
    world: World, resident: Resident, assessors: tuple[Any, Any], client: Client
) -> None:
    draft = services.start_assessment(
        actor=assessors[0],
        resident=resident,
        data={
            "standard": MZT039,
            "assessed_on": TODAY,
            "place": "home",
            "reason": "first",
            "first_assessor": assessors[0],
            "second_assessor": assessors[1],
        },
    )
    before = AuditEvent.objects.count()
    with pytest.raises(AssessmentStateError, match="评估尚未完成"):
        assessment_report_pdf(actor=world.user("county_admin"), assessment=draft)
    client.force_login(world.user("county_admin"))
    response = client.get(reverse("assessment:report", args=[draft.pk]))
    assert response.status_code == 409
    assert "评估尚未完成" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_service_checks_permission_and_scope(world: World, assessment: Assessment) -> None:
    with pytest.raises(PermissionDenied):
        assessment_report_pdf(actor=world.user("caregiver"), assessment=assessment)
    with pytest.raises(Http404):
        assessment_report_pdf(actor=world.user("county_b_admin"), assessment=assessment)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_download(world: World, assessment: Assessment, client: Client) -> None:
    client.force_login(world.user("township_worker"))
    response = client.get(reverse("assessment:report", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    name = f"能力评估报告-王秀英-{assessment.assessed_on.isoformat()}.pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert "王秀英" in text_of(response.content)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.detail) == (
        world.user("township_worker"),
        {"kind": "assessment_report", "unmasked": True},
    )


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("county_b_admin", 404),  # out of scope: as if it did not exist
        ("township_other", 404),  # another township of the same county
        ("caregiver", 403),  # no VIEW_ASSESSMENTS
        ("no_role", 403),
    ],
)
def test_download_is_refused(
    world: World, assessment: Assessment, client: Client, username: str, status: int
) -> None:
    client.force_login(world.user(username))
    response = client.get(reverse("assessment:report", args=[assessment.pk]))
    assert response.status_code == status
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_download_needs_a_login(assessment: Assessment, client: Client) -> None:
    response = client.get(reverse("assessment:report", args=[assessment.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_unknown_assessment_is_404(world: World, client: Client) -> None:
    client.force_login(world.user("county_admin"))
    assert client.get(reverse("assessment:report", args=[999_999])).status_code == 404
