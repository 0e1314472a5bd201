"""The review chain: default, county and city settings (nearest up the tree), validation, and
applications keeping the chain they were submitted under."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.applications import services
from eldercare.applications.chain import (
    DEFAULT_CHAIN,
    ChainError,
    ChainStep,
    parse_chain,
    reviewing_code,
)
from eldercare.applications.errors import ApplicationDataError
from eldercare.applications.models import ApplicationStatus, ReviewChain
from eldercare.core.models import AuditAction, AuditEvent
from tests import factories
from tests.applications.builders import db_state
from tests.applications.conftest import People

pytestmark = pytest.mark.django_db
CITY = "431100000000"


def test_the_default_chain_is_village_township_county_five_days_each(people: People) -> None:
    assert services.chain_for(people.world.village_a) == DEFAULT_CHAIN
    assert [(s.level, s.working_days) for s in DEFAULT_CHAIN] == [
        ("village", 5),
        ("township", 5),
        ("county", 5),
    ]


def test_the_nearest_setting_up_the_tree_applies(people: People) -> None:
    w = people.world
    city_admin = w.user(Role.CITY_ADMIN)
    services.set_review_chain(
        actor=city_admin,
        region_code=CITY,
        steps=[{"level": "township", "working_days": 3}, {"level": "city", "working_days": 10}],
    )
    county_steps = [{"level": "village", "working_days": 2}, {"level": "county", "working_days": 7}]
    services.set_review_chain(actor=people.county, region_code=w.county_a, steps=county_steps)
    assert services.chain_for(w.village_a) == (ChainStep("village", 2), ChainStep("county", 7))
    assert services.chain_for(w.village_b) == (ChainStep("township", 3), ChainStep("city", 10))
    audit = AuditEvent.objects.get(object_type="applications.reviewchain", region_code=w.county_a)
    assert audit.action == AuditAction.CREATE
    assert audit.changes["steps"] == [None, county_steps]

    services.remove_review_chain(actor=people.county, region_code=w.county_a)
    assert services.chain_for(w.village_a) == (ChainStep("township", 3), ChainStep("city", 10))


def test_a_chain_without_the_township_skips_it(people: People) -> None:
    services.set_review_chain(
        actor=people.county,
        region_code=people.world.county_a,
        steps=[{"level": "village", "working_days": 5}, {"level": "county", "working_days": 10}],
    )
    application = people.approve_through(people.submit(), people.village_reviewer)
    assert (application.current_step, application.current_level) == (2, "county")
    with pytest.raises(PermissionDenied):
        services.approve_step(actor=people.township, application=application)
    approved = services.approve_step(actor=people.county, application=application)
    assert approved.status == ApplicationStatus.APPROVED


def test_a_city_step_is_decided_by_the_city(people: People) -> None:
    services.set_review_chain(
        actor=people.county,
        region_code=people.world.county_a,
        steps=[{"level": "county", "working_days": 5}, {"level": "city", "working_days": 5}],
    )
    application = people.approve_through(people.submit(), people.county)
    assert application.current_level == "city"
    approved = services.approve_step(
        actor=people.world.user(Role.CITY_ADMIN), application=application
    )
    assert approved.status == ApplicationStatus.APPROVED


def test_an_application_keeps_its_chain_until_resubmitted(people: People) -> None:
    application = people.submit()
    services.set_review_chain(
        actor=people.county,
        region_code=people.world.county_a,
        steps=[{"level": "county", "working_days": 5}],
    )
    assert len(application.chain) == 3
    application = people.approve_through(application, people.village_reviewer)
    assert application.current_level == "township"
    returned = services.return_application(
        actor=people.township, application=application, reason="请补充"
    )
    again = services.resubmit_application(actor=people.village, application=returned)
    assert again.chain == [{"level": "county", "working_days": 5}]
    assert again.current_level == "county"


@pytest.mark.parametrize(
    ("steps", "code", "position"),
    [
        ([], "empty", 0),
        ("village", "wrong_type", 0),
        ([{"level": "province", "working_days": 5}], "level_unknown", 1),
        ([{"level": "village", "working_days": 0}], "days_out_of_range", 1),
        ([{"level": "village", "working_days": 61}], "days_out_of_range", 1),
        ([{"level": "village", "working_days": "5"}], "days_invalid", 1),
        ([{"level": "village", "working_days": True}], "days_invalid", 1),
        ([{"level": "village", "days": 5}], "field_unknown", 1),
        ([{"level": "county"}, {"level": "village"}], "order", 2),
        ([{"level": "village"}, {"level": "village"}], "order", 2),
        (
            [{"level": lv} for lv in ("village", "township", "county", "city", "city")],
            "too_long",
            0,
        ),
        (["village"], "wrong_type", 1),
    ],
)
def test_a_wrong_chain_is_refused_with_its_place(steps: Any, code: str, position: int) -> None:
    with pytest.raises(ChainError) as refused:
        parse_chain(steps)
    assert (refused.value.code, refused.value.position) == (code, position)
    if position:
        assert str(refused.value).startswith(f"第{position}步：")


def test_working_days_default_to_five() -> None:
    assert parse_chain([{"level": "township"}]) == (ChainStep("township", 5),)


def test_reviewing_code_of_each_level() -> None:
    village = "431102001001"
    assert reviewing_code(village, "village") == village
    assert reviewing_code(village, "township") == "431102001000"
    assert reviewing_code(village, "county") == "431102000000"
    assert reviewing_code(village, "city") == "431100000000"
    assert reviewing_code("431102001000", "village") is None


def test_who_may_set_a_chain(people: People) -> None:
    w = people.world
    steps = [{"level": "county", "working_days": 5}]
    before = db_state()
    with pytest.raises(PermissionDenied):
        services.set_review_chain(actor=people.township, region_code=w.county_a, steps=steps)
    with pytest.raises(Http404):
        services.set_review_chain(actor=people.outsider, region_code=w.county_a, steps=steps)
    with pytest.raises(ApplicationDataError, match="县级或市级"):
        services.set_review_chain(actor=people.county, region_code=w.township_a, steps=steps)
    with pytest.raises(ApplicationDataError) as refused:
        services.set_review_chain(actor=people.county, region_code=w.county_a, steps=[])
    assert refused.value.problems[0].field == "steps"
    assert db_state() == before
    assert not ReviewChain.objects.exists()


def test_a_change_replaces_the_setting_and_is_audited(people: People) -> None:
    w = people.world
    services.set_review_chain(
        actor=people.county, region_code=w.county_a, steps=[{"level": "county"}]
    )
    services.set_review_chain(
        actor=people.county,
        region_code=w.county_a,
        steps=[{"level": "township", "working_days": 4}, {"level": "county", "working_days": 6}],
    )
    assert ReviewChain.objects.get().steps == [
        {"level": "township", "working_days": 4},
        {"level": "county", "working_days": 6},
    ]
    update = AuditEvent.objects.filter(object_type="applications.reviewchain").latest("id")
    assert update.action == AuditAction.UPDATE
    assert update.changes["steps"][0] == [{"level": "county", "working_days": 5}]


def test_a_resident_registered_at_township_level_skips_the_village_step(people: People) -> None:
    resident = factories.resident(people.world.township_a, name="赵四")
    application = services.submit_application(
        actor=people.township,
        resident=resident,
        data={
            "kind": "benefit",
            "benefit_kind": "one_off_subsidy",
            "amount_fen": 50000,
            "applicant_kind": "resident",
            "reason": "高龄一次性补贴",
        },
    )
    assert [s["level"] for s in application.chain] == ["township", "county"]
