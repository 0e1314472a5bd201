"""Assessment statistics: levels per standard rolled up by sub-region, share of the register
assessed, and the MZ/T 039 × GB/T 42195 comparison — exact counts on a small assessed world."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from eldercare.accounts.access import scoped
from eldercare.accounts.models import Role
from eldercare.assessment import services
from eldercare.assessment.models import Assessment, CurrentAssessment
from eldercare.assessment.scoring import GBT42195, MZT039
from eldercare.assessment.statistics import (
    LevelComparison,
    RegionOverview,
    RegionRow,
    in_region,
    level_comparison,
    region_overview,
)
from eldercare.registry.models import Resident
from tests import factories
from tests.assessment.builders import gbt42195, mzt039
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = date.today()
# Answers giving each final level (no adjustment clause fires).
MZT039_ANSWERS = {0: mzt039(adl=100), 1: mzt039(adl=80), 2: mzt039(adl=60), 3: mzt039(adl=30)}
GBT42195_ANSWERS = {
    0: gbt42195(90),
    1: gbt42195(70),
    2: gbt42195(50),
    3: gbt42195(40),
    4: gbt42195(20),
}
ZERO_MZ = (0, 0, 0, 0)
ZERO_GB = (0, 0, 0, 0, 0)


@dataclass
class Assessed:
    world: World
    residents: dict[str, Resident]


def assess(
    world: World, resident: Resident, standard: str, level: int, days_ago: int, **extra: Any
) -> Assessment:
    in_county_b = resident.region_code.startswith("431103")
    first, second = (
        (world.user("assessor_b"), world.user("assessor_b2"))
        if in_county_b
        else (world.user("assessor"), world.user("assessor_2"))
    )
    answers = (MZT039_ANSWERS if standard == MZT039 else GBT42195_ANSWERS)[level]
    assessment = services.record_assessment(
        actor=first,
        resident=resident,
        data={
            "standard": standard,
            "assessed_on": TODAY - timedelta(days=days_ago),
            "place": "home",
            "reason": "first",
            "first_assessor": first,
            "second_assessor": second,
            "answers": answers,
        },
        **extra,
    )
    assert assessment.level == level
    return assessment


@pytest.fixture
def assessed(world: World) -> Assessed:
    """County A, 朝阳街道: 多福 r1 (MZ 3, after a correction of a 0), r2 (GB 2), r3 (MZ 1 then
    GB 1), r4 (not assessed); 银闸 r5 (GB 4 then MZ 2), r6 (moved out, MZ 0 and GB 0).
    County A, 水口山镇: 何仙观 r7 (GB 0), r8 (not assessed). County B: r9 (MZ 1)."""
    world.users["assessor_b2"] = factories.user("assessor_b2", Role.ASSESSOR, world.county_b)
    r = {
        name: factories.resident(code, name=name)
        for name, code in (
            ("r1", world.village_a),
            ("r2", world.village_a),
            ("r3", world.village_a),
            ("r4", world.village_a),
            ("r5", world.village_a2),
            ("r6", world.village_a2),
            ("r7", world.village_a_other),
            ("r8", world.village_a_other),
            ("r9", world.village_b),
        )
    }
    wrong = assess(world, r["r1"], MZT039, 0, 20)
    services.correct_assessment(
        actor=world.user("assessor"),
        original=wrong,
        data={"answers": MZT039_ANSWERS[3]},
        reason="日常生活活动录入错误",
    )
    assess(world, r["r2"], GBT42195, 2, 10)
    assess(world, r["r3"], MZT039, 1, 10)
    assess(world, r["r3"], GBT42195, 1, 5)
    assess(world, r["r5"], GBT42195, 4, 10)
    assess(world, r["r5"], MZT039, 2, 5)
    assess(world, r["r6"], MZT039, 0, 10)
    assess(world, r["r6"], GBT42195, 0, 5)
    Resident.objects.filter(pk=r["r6"].pk).update(status="moved_out", status_date=TODAY)
    assess(world, r["r7"], GBT42195, 0, 3)
    assess(world, r["r9"], MZT039, 1, 3)
    return Assessed(world, r)


def overview_for(user: Any, code: str) -> RegionOverview:
    return region_overview(in_region(scoped(user, Resident.objects.all()), code), code)


def comparison_for(user: Any, code: str) -> LevelComparison:
    return level_comparison(in_region(scoped(user, CurrentAssessment.objects.all()), code))


def test_current_assessments_of_the_world(assessed: Assessed) -> None:
    current = {c.resident.name: (c.standard, c.level) for c in CurrentAssessment.objects.all()}
    assert current == {
        "r1": (MZT039, 3),
        "r2": (GBT42195, 2),
        "r3": (GBT42195, 1),
        "r5": (MZT039, 2),
        "r6": (GBT42195, 0),
        "r7": (GBT42195, 0),
        "r9": (MZT039, 1),
    }


def test_county_rolls_up_by_township(assessed: Assessed, django_assert_num_queries: Any) -> None:
    world = assessed.world
    # grouped counts, the child regions, their names, the county's name
    with django_assert_num_queries(4):
        overview = overview_for(world.user("county_admin"), world.county_a)
    assert overview.rows == [
        RegionRow("431102001000", "朝阳街道", 5, 4, (0, 0, 1, 1), (0, 1, 1, 0, 0)),
        RegionRow("431102101000", "水口山镇", 2, 1, ZERO_MZ, (1, 0, 0, 0, 0)),
    ]
    assert overview.total == RegionRow(
        world.county_a, "零陵区", 7, 5, (0, 0, 1, 1), (1, 1, 1, 0, 0)
    )
    assert overview.total.share == pytest.approx(5 / 7)
    assert overview.total.share_percent == "71.4%"
    assert (overview.total.mzt039_total, overview.total.gbt42195_total) == (2, 3)


def test_township_rolls_up_by_village(assessed: Assessed) -> None:
    world = assessed.world
    overview = overview_for(world.user("township_worker"), world.township_a)
    assert overview.rows == [
        RegionRow(world.village_a, "多福社区居委会", 4, 3, (0, 0, 0, 1), (0, 1, 1, 0, 0)),
        RegionRow(world.village_a2, "银闸社区居委会", 1, 1, (0, 0, 1, 0), ZERO_GB),
    ]
    assert overview.total == RegionRow(
        world.township_a, "朝阳街道", 5, 4, (0, 0, 1, 1), (0, 1, 1, 0, 0)
    )
    assert overview.rows[1].share == 1.0


def test_a_village_has_only_its_total(assessed: Assessed) -> None:
    world = assessed.world
    overview = overview_for(world.user("county_admin"), world.village_a2)
    assert overview.rows == []
    # r6 moved out: neither counted in the register nor among the levels.
    assert overview.total == RegionRow(
        world.village_a2, "银闸社区居委会", 1, 1, (0, 0, 1, 0), ZERO_GB
    )


def test_sub_region_without_residents_shows_zeros(assessed: Assessed) -> None:
    world = assessed.world
    factories.region("431102001003", "新建社区居委会", locality="urban")
    overview = overview_for(world.user("township_worker"), world.township_a)
    empty = overview.rows[-1]
    assert empty == RegionRow("431102001003", "新建社区居委会", 0, 0, ZERO_MZ, ZERO_GB)
    assert (empty.share, empty.share_percent) == (None, "—")


def test_the_whole_country_rolls_up_by_province(assessed: Assessed) -> None:
    overview = overview_for(assessed.world.user("system_admin"), "")
    assert overview.rows == [
        RegionRow("430000000000", "湖南省", 8, 6, (0, 1, 1, 1), (1, 1, 1, 0, 0))
    ]
    assert overview.total.name == "全国"
    assert overview.total.residents == 8


def test_scope_limits_what_is_counted(assessed: Assessed) -> None:
    world = assessed.world
    # The township worker asked about the whole county still sees only the township.
    overview = overview_for(world.user("township_worker"), world.county_a)
    assert [(row.code, row.residents) for row in overview.rows] == [
        ("431102001000", 5),
        ("431102101000", 0),
    ]


def test_level_comparison_matrix(assessed: Assessed, django_assert_num_queries: Any) -> None:
    world = assessed.world
    with django_assert_num_queries(1):
        comparison = comparison_for(world.user("county_admin"), world.county_a)
    # r3: MZ 1 × GB 1; r5: MZ 2 × GB 4; r6 moved out (MZ 0 × GB 0) does not count.
    assert comparison.counts == (
        (0, 0, 0, 0, 0),
        (0, 1, 0, 0, 0),
        (0, 0, 0, 0, 1),
        (0, 0, 0, 0, 0),
    )
    assert comparison.total == 2
    assert comparison.column_totals() == [0, 1, 0, 0, 1]
    assert [row["total"] for row in comparison.rows()] == [0, 1, 1, 0]
    assert comparison_for(world.user("county_admin"), world.village_a2).total == 1
    assert comparison_for(world.user("county_b_admin"), world.county_b).total == 0


def test_a_correction_replaces_the_level_in_the_comparison(assessed: Assessed) -> None:
    world = assessed.world
    r3 = assessed.residents["r3"]
    latest_mz = CurrentAssessment.objects.get(resident=r3).latest_mzt039
    assert latest_mz is not None
    services.correct_assessment(
        actor=world.user("assessor"),
        original=latest_mz,
        data={"answers": MZT039_ANSWERS[3]},
        reason="复核更正",
    )
    comparison = comparison_for(world.user("county_admin"), world.county_a)
    assert comparison.counts[1] == (0, 0, 0, 0, 0)
    assert comparison.counts[3] == (0, 1, 0, 0, 0)


# --- the page ----------------------------------------------------------------------------------


def page(client: Client, user: Any, **params: str) -> Any:
    client.force_login(user)
    return client.get(reverse("assessment:statistics"), params)


def test_page_for_the_county_admin(assessed: Assessed, client: Client) -> None:
    response = page(client, assessed.world.user("county_admin"))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["overview"] == overview_for(
        assessed.world.user("county_admin"), assessed.world.county_a
    )
    assert response.context["comparison"].total == 2
    assert "零陵区 · 能力评估统计" in html
    assert 'data-region="431102001000"' in html
    assert "水口山镇" in html
    assert "?region=431102101000" in html
    assert "梅湾" not in html
    assert "冷水滩区" not in html
    assert '<div class="value" data-testid="share">71.4%</div>' in html
    assert '<th data-testid="comparison-total">2</th>' in html


def test_page_for_the_township_worker_shows_only_its_subtree(
    assessed: Assessed, client: Client
) -> None:
    response = page(client, assessed.world.user("township_worker"))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["region_code"] == assessed.world.township_a
    assert [row.code for row in response.context["overview"].rows] == [
        assessed.world.village_a,
        assessed.world.village_a2,
    ]
    assert "多福社区居委会" in html
    assert "银闸社区居委会" in html
    assert "水口山镇" not in html
    assert "何仙观" not in html
    assert '<div class="value" data-testid="residents">5</div>' in html


def test_page_for_a_chosen_sub_region(assessed: Assessed, client: Client) -> None:
    world = assessed.world
    response = page(client, world.user("county_admin"), region=world.township_a_other)
    assert response.status_code == 200
    assert response.context["overview"].total == RegionRow(
        world.township_a_other, "水口山镇", 2, 1, ZERO_MZ, (1, 0, 0, 0, 0)
    )
    assert [row.name for row in response.context["overview"].rows] == ["何仙观村委会"]
    assert response.context["trail"] == [
        (world.county_a, "零陵区"),
        (world.township_a_other, "水口山镇"),
    ]
    # A short code is the same region.
    short = page(client, world.user("county_admin"), region="431102101")
    assert short.context["region_code"] == world.township_a_other


@pytest.mark.parametrize(
    ("username", "region"),
    [
        ("county_admin", "431103000000"),  # another county
        ("county_admin", "431100000000"),  # above the scope
        ("township_worker", "431102101000"),  # the neighbouring township
        ("county_admin", "431102999000"),  # inside the scope but no such region
        ("county_admin", "43110200100x"),  # not a code
        ("county_admin", "4311020010"),  # wrong length
    ],
)
def test_region_outside_the_scope_is_404(
    assessed: Assessed, client: Client, username: str, region: str
) -> None:
    response = page(client, assessed.world.user(username), region=region)
    assert response.status_code == 404


@pytest.mark.parametrize(("username", "status"), [("caregiver", 403), ("no_role", 403)])
def test_page_needs_view_assessments(
    assessed: Assessed, client: Client, username: str, status: int
) -> None:
    assert page(client, assessed.world.user(username)).status_code == status


def test_page_needs_a_login(assessed: Assessed, client: Client) -> None:
    response = client.get(reverse("assessment:statistics"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unbound_user_sees_nothing(assessed: Assessed, client: Client) -> None:
    assert page(client, assessed.world.user("unbound")).status_code == 404


def test_page_query_count(
    assessed: Assessed, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(assessed.world.user("county_admin"))
    url = reverse("assessment:statistics")
    # session, user, grouped counts, child regions, their names, the county name, comparison
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
