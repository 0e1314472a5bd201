"""The rule files shipped for the four seed localities: they load, and say who is entitled to what."""

from datetime import date
from typing import Any

import pytest
from django.utils import translation

from eldercare.entitlements.policy import (
    CARE_SUBSIDY,
    CATEGORIES,
    ECONOMIC_STATUSES,
    FAMILY_PLANNING_STATUSES,
    LIVING_ARRANGEMENTS,
    MONTHLY_SERVICE_CREDIT,
    ONE_OFF_SUBSIDY,
    RESIDENCE_TYPES,
    SERVICE_CATEGORIES,
    SHIPPED_POLICIES_DIR,
    Evaluation,
    PersonFacts,
    Policy,
    evaluate,
    load_policies_dir,
    policy_for_region,
)
from eldercare.entitlements.policy.vocabulary import RESIDENT_STATUSES
from eldercare.regions.codes import RegionCodeError
from eldercare.registry import choices
from tests.entitlements.policy_builders import person

DAY = date(2024, 6, 1)
MZ = "mzt039-2013"
GB = "gbt42195-2022"

LIANYUNGANG = "320700000000"
YONGZHOU = "431100000000"
CHISHUI = "520381000000"
HUINING = "620422000000"


@pytest.fixture(scope="module")
def policies() -> dict[str, Policy]:
    return load_policies_dir(SHIPPED_POLICIES_DIR)


def credit(result: Evaluation) -> int:
    return result.amount_fen(MONTHLY_SERVICE_CREDIT)


def run(policies: dict[str, Policy], region: str, who: PersonFacts, on: date = DAY) -> Evaluation:
    return evaluate(policies[region], who, on)


def test_the_four_seed_localities_load(policies: dict[str, Policy]) -> None:
    assert sorted(policies) == [LIANYUNGANG, YONGZHOU, CHISHUI, HUINING]
    for policy in policies.values():
        assert policy.floor[MONTHLY_SERVICE_CREDIT] == 6000
        assert policy.rules
        for rule in policy.rules:
            assert rule.note, rule.key
            if rule.benefit.kind == MONTHLY_SERVICE_CREDIT:
                assert rule.benefit.amount_fen >= 6000
                assert set(rule.benefit.items) <= set(SERVICE_CATEGORIES)


def test_amounts_not_given_by_the_seeds_are_marked_as_examples(policies: dict[str, Policy]) -> None:
    from_the_seed = {"lyg-home-care-difficult"}  # 003 row 6: at least 60 yuan a month
    for policy in policies.values():
        for rule in policy.rules:
            if rule.key not in from_the_seed:
                assert rule.note.startswith("示例金额，以当地文件为准"), rule.key
    assert "003 第6项" in policies[LIANYUNGANG].rule("lyg-home-care-difficult").note


def test_each_file_names_its_locality(policies: dict[str, Policy]) -> None:
    names = {LIANYUNGANG: "连云港", YONGZHOU: "永州", CHISHUI: "赤水", HUINING: "会宁"}
    for code, policy in policies.items():
        assert names[code] in policy.name


# 连云港市 ---------------------------------------------------------------------------------------


def test_lianyungang_destitute_elderly_at_home(policies: dict[str, Policy]) -> None:
    result = run(policies, LIANYUNGANG, person(72, economic_status="destitute"))
    assert credit(result) == 10000
    assert result.group("home_care").winners == ("lyg-home-care-destitute",)
    in_institution = person(72, economic_status="destitute", living_arrangement="institutional")
    result = run(policies, LIANYUNGANG, in_institution)
    assert credit(result) == 0
    assert result.rule("lyg-home-care-destitute").reason.startswith(
        "排除条件成立：居住状况属于 集中供养"
    )


@pytest.mark.parametrize(
    ("facts", "amount"),
    [
        ({"age": 80, "economic_status": "dibao"}, 6000),
        ({"age": 70, "economic_status": "marginal", "living_arrangement": "alone"}, 6000),
        ({"age": 70, "economic_status": "dibao", "living_arrangement": "empty_nest"}, 6000),
        ({"age": 70, "economic_status": "dibao", "capability": (MZ, 2)}, 12000),
        ({"age": 85, "economic_status": "dibao", "capability": (GB, 4)}, 12000),
        ({"age": 70, "economic_status": "dibao", "capability": (MZ, 1)}, 0),
        ({"age": 79, "economic_status": "dibao"}, 0),
        ({"age": 85, "economic_status": "general", "living_arrangement": "alone"}, 0),
        ({"age": 85, "economic_status": "poverty_alleviated"}, 0),
    ],
)
def test_lianyungang_economically_difficult_elderly(
    policies: dict[str, Policy], facts: dict, amount: int
) -> None:
    assert credit(run(policies, LIANYUNGANG, person(**facts))) == amount


def test_lianyungang_explains_a_refusal(policies: dict[str, Policy]) -> None:
    result = run(policies, LIANYUNGANG, person(78, economic_status="dibao"))
    assert result.rule("lyg-home-care-difficult").reason == (
        "以下条件均不满足：年龄 78 < 80；居住状况 与子女同住（with_children） 不属于 独居、空巢；"
        "无能力评估结果，不能认定失能"
    )
    assert not result.is_entitled


def test_lianyungang_severe_disability_care_subsidy(policies: dict[str, Policy]) -> None:
    assert (
        run(policies, LIANYUNGANG, person(70, disability_grade=1)).amount_fen(CARE_SUBSIDY) == 10000
    )
    assert (
        run(policies, LIANYUNGANG, person(70, disability_grade=2)).amount_fen(CARE_SUBSIDY) == 8000
    )
    assert run(policies, LIANYUNGANG, person(70, disability_grade=3)).amount_fen(CARE_SUBSIDY) == 0


def test_lianyungang_destitute_care_by_capability(policies: dict[str, Policy]) -> None:
    def care(capability: tuple[str, int] | None) -> int:
        who = person(75, economic_status="destitute", capability=capability)
        return run(policies, LIANYUNGANG, who).group("destitute_care").total_fen

    assert care((MZ, 3)) == 30000
    assert care((GB, 4)) == 30000
    assert care((MZ, 2)) == 15000
    assert care((GB, 2)) == 15000
    assert care((GB, 1)) == 0
    assert care(None) == 0


def test_lianyungang_home_adaptation_ended_in_2021(policies: dict[str, Policy]) -> None:
    during_day = date(2021, 6, 1)
    who = person(82, economic_status="poverty_alleviated", on=during_day)
    during = run(policies, LIANYUNGANG, who, during_day)
    assert during.amount_fen(ONE_OFF_SUBSIDY) == 300000
    assert during.benefits[-1].reason == "居家适老化改造"
    after = run(policies, LIANYUNGANG, who, DAY)
    assert after.amount_fen(ONE_OFF_SUBSIDY) == 0
    assert not after.rule("lyg-home-adaptation").in_effect
    disabled_young = person(65, economic_status="destitute", disability_grade=4, on=during_day)
    assert run(policies, LIANYUNGANG, disabled_young, during_day).amount_fen(ONE_OFF_SUBSIDY)


def test_lianyungang_rules_start_in_2021(policies: dict[str, Policy]) -> None:
    who = person(85, economic_status="dibao", on=date(2020, 6, 1))
    assert credit(run(policies, LIANYUNGANG, who, date(2020, 6, 1))) == 0


# 永州市 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "amount"),
    [
        ({"age": 70, "economic_status": "destitute"}, 10000),
        ({"age": 70, "economic_status": "destitute", "living_arrangement": "institutional"}, 0),
        ({"age": 81, "economic_status": "dibao"}, 6000),
        (
            {
                "age": 70,
                "economic_status": "poverty_alleviated",
                "living_arrangement": "left_behind",
            },
            6000,
        ),
        ({"age": 70, "economic_status": "marginal", "family_planning_status": "bereaved"}, 6000),
        ({"age": 70, "economic_status": "marginal", "capability": (GB, 2)}, 6000),
        ({"age": 70, "economic_status": "marginal"}, 0),
        ({"age": 90, "economic_status": "general", "living_arrangement": "alone"}, 0),
    ],
)
def test_yongzhou_home_care(policies: dict[str, Policy], facts: dict, amount: int) -> None:
    assert credit(run(policies, YONGZHOU, person(**facts))) == amount


def test_yongzhou_care_subsidies_add_up(policies: dict[str, Policy]) -> None:
    both = person(75, economic_status="dibao", disability_grade=2, capability=(MZ, 3))
    result = run(policies, YONGZHOU, both)
    assert result.amount_fen(CARE_SUBSIDY) == 18000
    assert result.group("care").reason == (
        "累加：yz-care-severe-disability（80.00元）、yz-care-disabled-difficult（100.00元） 同时适用，"
        "合计 180.00元"
    )
    only_grade = person(75, disability_grade=1)
    assert run(policies, YONGZHOU, only_grade).amount_fen(CARE_SUBSIDY) == 8000
    assert run(policies, YONGZHOU, person(75)).amount_fen(CARE_SUBSIDY) == 0


def test_yongzhou_before_its_list(policies: dict[str, Policy]) -> None:
    who = person(75, economic_status="destitute", on=date(2020, 9, 30))
    assert not run(policies, YONGZHOU, who, date(2020, 9, 30)).is_entitled


# 赤水市 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "amount"),
    [
        ({"age": 66, "economic_status": "destitute"}, 8000),
        ({"age": 66, "economic_status": "dibao", "capability": (MZ, 1)}, 6000),  # 半失能 counts
        ({"age": 66, "economic_status": "dibao", "capability": (MZ, 0)}, 0),
        ({"age": 66, "economic_status": "marginal", "family_planning_status": "bereaved"}, 6000),
        ({"age": 66, "economic_status": "marginal", "family_planning_status": "disabled_child"}, 0),
        ({"age": 66, "economic_status": "dibao", "living_arrangement": "left_behind"}, 6000),
        ({"age": 80, "economic_status": "dibao"}, 6000),
        ({"age": 80, "economic_status": "general"}, 0),
    ],
)
def test_chishui_home_care(policies: dict[str, Policy], facts: dict, amount: int) -> None:
    assert credit(run(policies, CHISHUI, person(**facts))) == amount


def test_chishui_home_adaptation_pilot(policies: dict[str, Policy]) -> None:
    on = date(2021, 3, 1)
    alone = person(82, economic_status="dibao", living_arrangement="alone", on=on)
    assert run(policies, CHISHUI, alone, on).amount_fen(ONE_OFF_SUBSIDY) == 300000
    half_disabled = person(70, economic_status="destitute", capability=(GB, 1), on=on)
    assert run(policies, CHISHUI, half_disabled, on).amount_fen(ONE_OFF_SUBSIDY) == 300000
    with_children = person(82, economic_status="dibao", on=on)
    result = run(policies, CHISHUI, with_children, on)
    assert result.amount_fen(ONE_OFF_SUBSIDY) == 0
    assert result.rule("cs-home-adaptation-pilot").reason == (
        "以下条件均不满足：无能力评估结果，不能认定失能；"
        "居住状况 与子女同住（with_children） 不属于 独居"
    )


# 会宁县 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "amount"),
    [
        ({"age": 70, "economic_status": "destitute"}, 10000),
        ({"age": 70, "family_planning_status": "disabled_child"}, 6000),
        ({"age": 70, "economic_status": "dibao", "capability": (GB, 1)}, 8000),
        ({"age": 70, "economic_status": "general", "capability": (GB, 3)}, 0),
        ({"age": 80}, 6000),
        ({"age": 80, "residence_type": "nonlocal"}, 0),
        ({"age": 80, "residence_type": "registered_away"}, 0),
        ({"age": 79}, 0),
    ],
)
def test_huining_home_care(policies: dict[str, Policy], facts: dict, amount: int) -> None:
    assert credit(run(policies, HUINING, person(**facts))) == amount


def test_huining_highest_of_several(policies: dict[str, Policy]) -> None:
    who = person(85, economic_status="destitute", family_planning_status="bereaved")
    group = run(policies, HUINING, who).group("home_care")
    assert [r.key for r in group.applied] == [
        "hn-home-care-destitute",
        "hn-home-care-family-planning",
        "hn-home-care-very-old",
    ]
    assert group.winners == ("hn-home-care-destitute",)
    assert group.granted[0].items == (
        "meal",
        "bath",
        "cleaning",
        "medical",
        "mobility",
        "emergency",
        "companionship",
        "errands",
    )


# the region tree --------------------------------------------------------------------------------


def test_policy_for_region_walks_up_the_tree(policies: dict[str, Policy]) -> None:
    assert policy_for_region(policies, "320703001001") is policies[LIANYUNGANG]  # a village
    assert policy_for_region(policies, "320700000000") is policies[LIANYUNGANG]
    assert policy_for_region(policies, "520381100000") is policies[CHISHUI]
    assert policy_for_region(policies, "520300000000") is None  # 遵义市 has no file
    assert policy_for_region(policies, "110101000000") is None


def test_a_county_file_overrides_its_city(policies: dict[str, Policy]) -> None:
    city = policies[YONGZHOU]
    county = Policy(
        region="431102000000",
        name="零陵区",
        version="1",
        source="x",
        floor={},
        disabled_threshold={},
        groups={},
        rules=(),
    )
    both = {YONGZHOU: city, "431102000000": county}
    assert policy_for_region(both, "431102001001") is county
    assert policy_for_region(both, "431103001001") is city
    with pytest.raises(RegionCodeError):
        policy_for_region(both, "4311")


# vocabularies match the registry ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "registry"),
    [
        (ECONOMIC_STATUSES, choices.EconomicStatus),
        (LIVING_ARRANGEMENTS, choices.LivingArrangement),
        (FAMILY_PLANNING_STATUSES, choices.FamilyPlanningStatus),
        (RESIDENCE_TYPES, choices.ResidenceType),
        (RESIDENT_STATUSES, choices.ResidentStatus),
        (SERVICE_CATEGORIES, choices.ServiceNeed),
    ],
)
def test_codes_and_labels_match_the_registry(ours: dict, registry: Any) -> None:
    with translation.override("zh-hans"):
        assert dict(ours) == {code: str(label) for code, label in registry.choices}


def test_category_labels_match_the_registry() -> None:
    with translation.override("zh-hans"):
        assert dict(CATEGORIES) == {
            str(code): str(label) for code, label in choices.CATEGORY_LABELS.items()
        }
