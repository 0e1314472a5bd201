"""Rule files stored per region: the shipped files load idempotently; an upload is checked
completely (every problem with file, line, column, path) and stored as a draft only when good;
activating retires the previous revision; a preview counts who would be entitled. Audited."""

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.entitlements.documents import (
    activate_policy_document,
    governing_document,
    load_shipped_policies,
    preview_document,
    read_upload,
    retire_policy_document,
    upload_policy_document,
)
from eldercare.entitlements.errors import EntitlementStateError
from eldercare.entitlements.models import DocumentOrigin, DocumentStatus, PolicyDocument
from eldercare.entitlements.policy import SHIPPED_POLICIES_DIR, PolicyError, Problem
from tests.catalogue.builders import item as catalogue_item
from tests.conftest import World
from tests.entitlements.test_run_fixtures import (  # noqa: F401 — fixtures
    YONGZHOU,
    People,
    people_fixture,
    state,
    yongzhou_fixture,
)

pytestmark = pytest.mark.django_db
SHIPPED = {
    "320700000000": "320700-lianyungang.yaml",
    "431100000000": "431100-yongzhou.yaml",
    "520381000000": "520381-chishui.yaml",
    "620422000000": "620422-huining.yaml",
}


def yongzhou_text() -> str:
    return (SHIPPED_POLICIES_DIR / "431100-yongzhou.yaml").read_text(encoding="utf-8")


def county_text(world: World, amount: str = "120") -> str:
    """永州's rules as county A's own file, with another amount for destitute residents."""
    return (
        yongzhou_text()
        .replace(f'region: "{YONGZHOU}"', f'region: "{world.county_a}"')
        .replace("amount: 100\n", f"amount: {amount}\n", 1)
    )


# --- the shipped files --------------------------------------------------------------------------


def test_the_shipped_files_load_once(world: World) -> None:
    first = load_shipped_policies()
    assert sorted(first.loaded) == sorted(f"{name}（{code}）" for code, name in SHIPPED.items())
    documents = PolicyDocument.objects.order_by("region_code")
    assert [(d.region_code, d.revision, d.status, d.origin) for d in documents] == [
        (code, 1, DocumentStatus.ACTIVE, DocumentOrigin.SHIPPED) for code in sorted(SHIPPED)
    ]
    assert documents[1].uploaded_by_username == "load-entitlement-policies"
    audits = AuditEvent.objects.filter(object_type="entitlements.policydocument")
    assert audits.filter(action=AuditAction.IMPORT).count() == 4
    assert audits.filter(action=AuditAction.UPDATE).count() == 4
    before = state()

    second = load_shipped_policies()

    assert (second.loaded, len(second.unchanged), second.kept) == ([], 4, [])
    assert state() == before


def test_only_loads_the_regions_asked_for(world: World) -> None:
    summary = load_shipped_policies(only=["4311"])
    assert summary.loaded == ["431100-yongzhou.yaml（431100000000）"]
    assert list(PolicyDocument.objects.values_list("region_code", flat=True)) == [YONGZHOU]


def test_a_changed_shipped_file_becomes_a_new_revision_but_an_upload_is_kept(
    world: World, tmp_path: Any
) -> None:
    load_shipped_policies(only=[YONGZHOU])
    changed = tmp_path / "431100-yongzhou.yaml"
    changed.write_text(yongzhou_text().replace('version: "2020.10"', 'version: "2020.11"'))
    summary = load_shipped_policies(paths=[changed])
    assert summary.loaded == ["431100-yongzhou.yaml（431100000000）"]
    assert list(PolicyDocument.objects.order_by("revision").values_list("revision", "status")) == [
        (1, DocumentStatus.RETIRED),
        (2, DocumentStatus.ACTIVE),
    ]

    upload_policy_document(
        actor=world.user(Role.CITY_ADMIN),
        text=yongzhou_text().replace('version: "2020.10"', 'version: "本地修订"'),
        source_name="mine.yaml",
        activate=True,
    )
    before = state()
    summary = load_shipped_policies(only=[YONGZHOU])
    assert summary.kept == ["431100-yongzhou.yaml（431100000000）"]
    assert state() == before


def test_the_command(world: World) -> None:
    out = StringIO()
    call_command("load_entitlement_policies", "--only", YONGZHOU, stdout=out)
    assert out.getvalue().startswith("载入并启用 1 个：431100-yongzhou.yaml（431100000000）")
    out = StringIO()
    call_command("load_entitlement_policies", "--dry-run", stdout=out)
    assert "载入并启用 3 个" in out.getvalue() and "内容未变 1 个" in out.getvalue()
    assert "（预检，未写入）" in out.getvalue()
    assert PolicyDocument.objects.count() == 1


def test_the_command_refuses_a_bad_file_with_its_place(world: World, tmp_path: Any) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yongzhou_text().replace("economically_difficult", "economically_dificult", 1))
    with pytest.raises(
        CommandError, match=r"bad\.yaml:41:28: rules\[1\]\.when\.category\.any_of\[0\]: 未知"
    ):
        call_command("load_entitlement_policies", str(bad))
    assert not PolicyDocument.objects.exists()


# --- uploads ------------------------------------------------------------------------------------


def test_an_upload_is_a_draft_until_activated(world: World, yongzhou: PolicyDocument) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    document, created = upload_policy_document(
        actor=admin, text=county_text(world), source_name="../零陵区.yaml"
    )
    assert created
    assert (document.region_code, document.revision, document.status, document.source_name) == (
        world.county_a,
        1,
        DocumentStatus.DRAFT,
        "零陵区.yaml",
    )
    assert governing_document(world.village_a) == yongzhou

    again, created = upload_policy_document(
        actor=admin, text=county_text(world), source_name="again.yaml"
    )
    assert (again, created) == (document, False)

    activate_policy_document(actor=admin, document=document)
    assert governing_document(world.village_a) == document
    assert governing_document(world.village_b) == yongzhou
    second, _ = upload_policy_document(
        actor=admin, text=county_text(world, "130"), source_name="v2.yaml", activate=True
    )
    document.refresh_from_db()
    assert (second.revision, second.status, document.status) == (
        2,
        DocumentStatus.ACTIVE,
        DocumentStatus.RETIRED,
    )
    with pytest.raises(EntitlementStateError, match="已是现行规则文件"):
        activate_policy_document(actor=admin, document=second)
    events = AuditEvent.objects.filter(
        object_type="entitlements.policydocument", region_code=world.county_a
    ).order_by("id")
    assert [(e.action, e.object_id) for e in events] == [
        (AuditAction.IMPORT, str(document.pk)),
        (AuditAction.UPDATE, str(document.pk)),
        (AuditAction.IMPORT, str(second.pk)),
        (AuditAction.UPDATE, str(second.pk)),
    ]
    assert events.last().detail["retired"] == [document.pk]  # type: ignore[union-attr]

    retire_policy_document(actor=admin, document=second, reason="并入市级规则")
    assert governing_document(world.village_a) == yongzhou


def test_a_bad_file_is_refused_with_every_problem_and_nothing_is_stored(world: World) -> None:
    before = state()
    text = (
        county_text(world)
        .replace("economically_difficult", "economically_dificult", 1)
        .replace("amount: 60", "amount: 50")
    )
    with pytest.raises(PolicyError) as error:
        upload_policy_document(actor=world.user(Role.COUNTY_ADMIN), text=text, source_name="a.yaml")
    problems = error.value.problems
    assert len(problems) >= 2
    assert all(isinstance(p, Problem) and p.file == "a.yaml" and p.line > 0 for p in problems)
    assert any("每月购买服务额度 50.00元 低于本文件规定的最低标准" in p.message for p in problems)
    assert any("是否想写 “economically_difficult”" in p.message for p in problems)
    assert state() == before


def test_the_region_must_be_the_uploaders(world: World) -> None:
    before = state()
    with pytest.raises(PolicyError) as error:
        upload_policy_document(
            actor=world.user("county_b_admin"), text=county_text(world), source_name="a.yaml"
        )
    assert error.value.problems == (
        Problem(
            "a.yaml",
            6,
            1,
            "region",
            f"区划 {world.county_a} 不在您的管辖范围内，不能上传该区划的规则文件",
        ),
    )
    assert state() == before


def test_catalogue_items_must_exist(world: World) -> None:
    text = county_text(world).replace(
        "items: [meal, bath, cleaning, medical, mobility, emergency]\n",
        "items: [meal, item:ZC-001, item:XX-404]\n",
    )
    catalogue_item("ZC-001")
    with pytest.raises(PolicyError) as error:
        upload_policy_document(actor=world.user(Role.COUNTY_ADMIN), text=text, source_name="a.yaml")
    [problem] = error.value.problems
    assert (problem.path, problem.message) == (
        "rules[1].benefit.items",
        "服务项目 XX-404 不在服务项目目录中（规则 “yz-home-care-special-difficulty”）",
    )


@pytest.mark.parametrize("role", [Role.TOWNSHIP_WORKER, Role.VILLAGE_WORKER, Role.AUDITOR])
def test_only_policy_managers_upload(world: World, role: str) -> None:
    before = state()
    with pytest.raises(PermissionDenied):
        upload_policy_document(actor=world.user(role), text=county_text(world), source_name="a")
    assert state() == before


def test_another_countys_document_cannot_be_activated(world: World) -> None:
    document, _ = upload_policy_document(
        actor=world.user(Role.COUNTY_ADMIN), text=county_text(world), source_name="a.yaml"
    )
    before = state()
    with pytest.raises(Http404):
        activate_policy_document(actor=world.user("county_b_admin"), document=document)
    with pytest.raises(PermissionDenied):
        activate_policy_document(actor=world.user(Role.TOWNSHIP_WORKER), document=document)
    assert state() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe bad", "不是 UTF-8 编码"),
        (b"x" * (256 * 1024 + 1), "文件过大"),
    ],
)
def test_unreadable_uploads(data: bytes, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        read_upload(data, "a.yaml")


def test_a_bom_is_dropped() -> None:
    assert read_upload("\ufeffregion: 1".encode(), "a.yaml") == "region: 1"


# --- preview ------------------------------------------------------------------------------------


def test_preview_counts_who_would_be_entitled(world: World, people: People) -> None:
    document, _ = upload_policy_document(
        actor=world.user(Role.COUNTY_ADMIN),
        text=county_text(world).replace(
            "category: { any_of: [severely_disabled] }", "age: {min: 100}"
        ),
        source_name="a.yaml",
    )
    proposed, current = preview_document(document, date(2026, 11, 1))
    # County A: 张特 李高 王残 赵普 周五; the moved-out 钱迁 is not counted, 孙乙 lives in county B.
    assert (proposed.residents, current.residents) == (5, 5)
    assert (current.entitled, proposed.entitled) == (4, 3)  # 王残's care subsidy is gone
    assert proposed.by_kind["monthly_service_credit"] == {"count": 3, "amount_fen": 24_000}
    assert current.by_kind["care_subsidy"] == {"count": 3, "amount_fen": 26_000}
    assert proposed.by_kind["care_subsidy"] == {"count": 1, "amount_fen": 10_000}
    assert proposed.by_rule["yz-home-care-destitute"] == 1
