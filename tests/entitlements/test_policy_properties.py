"""Properties over random conditions, rule files and persons."""

from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eldercare.entitlements.policy import (
    CATEGORIES,
    ECONOMIC_STATUSES,
    FAMILY_PLANNING_STATUSES,
    LIVING_ARRANGEMENTS,
    RESIDENCE_TYPES,
    PersonFacts,
    PolicyError,
    analysis,
    evaluate,
    load_policy,
)
from eldercare.entitlements.policy.compiler import compile_rules
from eldercare.entitlements.policy.condition_parsing import parse_condition
from eldercare.entitlements.policy.conditions import Condition
from eldercare.registry.rules import ResidentFacts, age_on, categories
from tests.entitlements.policy_builders import DAY, policy_text, rule_yaml
from tests.entitlements.policy_builders import person as make_person

THRESHOLDS = {"mzt039-2013": 2, "gbt42195-2022": 2}
MZ_LEVELS = [("mzt039-2013", level) for level in range(4)]
GB_LEVELS = [("gbt42195-2022", level) for level in range(5)]


def subset(codes: Any) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(sorted(codes)), min_size=1, max_size=3, unique=True)


def bounds(low: int, high: int) -> st.SearchStrategy[dict[str, int]]:
    return st.tuples(st.integers(low, high), st.integers(low, high)).flatmap(
        lambda pair: st.sampled_from(
            [{"min": min(pair)}, {"max": max(pair)}, {"min": min(pair), "max": max(pair)}]
        )
    )


ages = st.sampled_from([0, 59, 60, 64, 65, 70, 79, 80, 81, 89, 90, 100, 130])
leaves = st.one_of(
    bounds(55, 100).map(lambda b: {"age": b}),
    ages.map(lambda a: {"age": {"min": a}}),
    subset(ECONOMIC_STATUSES).map(lambda v: {"economic_status": {"any_of": v}}),
    subset(LIVING_ARRANGEMENTS).map(lambda v: {"living_arrangement": {"any_of": v}}),
    subset(FAMILY_PLANNING_STATUSES).map(lambda v: {"family_planning_status": {"any_of": v}}),
    subset(RESIDENCE_TYPES).map(lambda v: {"household": {"any_of": v}}),
    subset(CATEGORIES).map(lambda v: {"category": {"any_of": v}}),
    bounds(1, 4).map(lambda b: {"disability_grade": b}),
    st.just({"capability_level": {"disabled": True}}),
    st.sampled_from(["mzt039-2013", "gbt42195-2022"]).flatmap(
        lambda s: bounds(0, 3).map(lambda b: {"capability_level": {"standard": s, **b}})
    ),
)
conditions: st.SearchStrategy[dict[str, Any]] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"all_of": cs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"any_of": cs}),
        inner.map(lambda c: {"not": c}),
    ),
    max_leaves=6,
)


class NoAliases(yaml.SafeDumper):
    """Rule files refuse YAML aliases: write shared sub-conditions out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(condition: dict[str, Any]) -> str:
    return yaml.dump(
        condition, Dumper=NoAliases, default_flow_style=True, allow_unicode=True, width=10_000
    )


def condition_of(data: dict[str, Any]) -> Condition:
    return parse_condition(dump(data), disabled_threshold=THRESHOLDS)


@st.composite
def persons(draw: st.DrawFn) -> PersonFacts:
    return make_person(
        draw(st.one_of(st.integers(55, 105), st.sampled_from([0, 130, 135]))),
        economic_status=draw(st.sampled_from(["", *ECONOMIC_STATUSES])),
        living_arrangement=draw(st.sampled_from(["", *LIVING_ARRANGEMENTS])),
        family_planning_status=draw(st.sampled_from(list(FAMILY_PLANNING_STATUSES))),
        disability_grade=draw(st.sampled_from([None, 1, 2, 3, 4])),
        residence_type=draw(st.sampled_from(list(RESIDENCE_TYPES))),
        capability=draw(st.sampled_from([None, *MZ_LEVELS, *GB_LEVELS])),
        status=draw(st.sampled_from(["active"] * 8 + ["moved_out", "deceased"])),
    )


def point_of(person: PersonFacts) -> tuple[Any, ...]:
    age = min(age_on(person.birth_date, DAY), analysis.OLDER_THAN_MAX)
    return (
        age,
        person.economic_status,
        person.living_arrangement,
        person.family_planning_status,
        person.disability_grade,
        person.residence_type,
        None if person.capability is None else tuple(person.capability),
    )


def in_region(region: analysis.Region, person: PersonFacts) -> bool:
    indices = [analysis.DOMAINS[d].index(value) for d, value in enumerate(point_of(person))]
    return any(all(b[d] >> i & 1 for d, i in enumerate(indices)) for b in region)


def person_in(example: analysis.Box) -> PersonFacts:
    values = [
        analysis.DOMAINS[d][(bits & -bits).bit_length() - 1] for d, bits in enumerate(example)
    ]
    age, economic, living, family, grade, residence, capability = values
    return make_person(
        age,
        economic_status=economic,
        living_arrangement=living,
        family_planning_status=family,
        disability_grade=grade,
        residence_type=residence,
        capability=capability,
    )


# the satisfiability analysis is exact ----------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(conditions, persons())
def test_a_person_is_in_a_conditions_region_iff_the_condition_holds(
    data: dict[str, Any], person: PersonFacts
) -> None:
    condition = condition_of(data)
    assert in_region(analysis.region(condition), person) == condition.holds(person, DAY)


@settings(max_examples=300, deadline=None)
@given(st.lists(conditions, max_size=3), persons())
def test_the_compiled_rules_decide_exactly_as_the_condition_tree(
    data: list[dict[str, Any]], person: PersonFacts
) -> None:
    trees = [condition_of(d) for d in data]
    age = age_on(person.birth_date, DAY)
    decided = compile_rules(trees)(person, age)
    assert decided == [tree.failing(person, age) for tree in trees]
    for node, tree in zip(decided, trees, strict=True):
        assert node is tree.failing(person, age)


@settings(max_examples=300, deadline=None)
@given(conditions, conditions)
def test_overlap_examples_satisfy_both_conditions(a: dict[str, Any], b: dict[str, Any]) -> None:
    first, second = condition_of(a), condition_of(b)
    example = analysis.common_person(analysis.region(first), analysis.region(second))
    if example is not None:
        someone = person_in(example)
        assert first.holds(someone, DAY)
        assert second.holds(someone, DAY)


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_impossible_conditions_are_reported_and_possible_ones_have_a_witness(
    data: dict[str, Any],
) -> None:
    condition = condition_of(data)
    region = analysis.region(condition)
    if region:
        assert condition.holds(person_in(region[0]), DAY)
    else:
        assert analysis.impossibilities(condition)


@given(persons())
def test_categories_add_up_per_fact(person: PersonFacts) -> None:
    """The assumption behind CATEGORY_REGIONS: a category holds iff one fact alone gives it."""
    facts = ResidentFacts(
        birth_date=person.birth_date,
        economic_status=person.economic_status,
        living_arrangement=person.living_arrangement,
        family_planning_status=person.family_planning_status,
        disability_grade=person.disability_grade,
    )
    neutral = ResidentFacts(birth_date=DAY)
    alone = [
        ResidentFacts(birth_date=facts.birth_date),
        ResidentFacts(birth_date=DAY, economic_status=facts.economic_status),
        ResidentFacts(birth_date=DAY, living_arrangement=facts.living_arrangement),
        ResidentFacts(birth_date=DAY, family_planning_status=facts.family_planning_status),
        ResidentFacts(birth_date=DAY, disability_grade=facts.disability_grade),
    ]
    assert categories(neutral, DAY) == frozenset()
    assert categories(facts, DAY) == frozenset().union(*(categories(f, DAY) for f in alone))


# evaluation ------------------------------------------------------------------------------------

rule_sets = st.lists(
    st.tuples(
        conditions, st.integers(60, 300), st.sampled_from([None, "2023-12-31", "2030-01-01"])
    ),
    min_size=1,
    max_size=4,
)


def file_of(rules: list[tuple[dict[str, Any], int, str | None]], combine: str) -> str:
    return policy_text(
        *(
            rule_yaml(f"r{i}", dump(when), amount=str(amount), effective_to=end)
            for i, (when, amount, end) in enumerate(rules)
        ),
        combine=combine,
    )


def loaded(text: str) -> Any:
    try:
        return load_policy(text)
    except PolicyError:
        assume(False)


# Each example loads whole files (YAML, analysis, compilation): no per-example deadline, which a
# loaded CI machine or coverage would break.
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@SETTINGS
@given(rule_sets, persons())
def test_evaluation_is_deterministic(rules: list, person: PersonFacts) -> None:
    policy = loaded(file_of(rules, "highest"))
    first, second = evaluate(policy, person, DAY), evaluate(policy, person, DAY)
    assert first.benefits == second.benefits
    assert first.as_dict() == second.as_dict()
    again = evaluate(loaded(file_of(rules, "highest")), person, DAY)
    assert again.as_dict() == first.as_dict()


@SETTINGS
@given(rule_sets, persons())
def test_sum_is_at_least_highest(rules: list, person: PersonFacts) -> None:
    summed = evaluate(loaded(file_of(rules, "sum")), person, DAY).group("g")
    highest = evaluate(loaded(file_of(rules, "highest")), person, DAY).group("g")
    assert summed.total_fen >= highest.total_fen
    assert [r.key for r in summed.applied] == [r.key for r in highest.applied]
    if highest.applied:
        assert highest.total_fen == max(r.benefit.amount_fen for r in highest.applied)


@SETTINGS
@given(rule_sets, conditions, st.data(), persons())
def test_adding_a_condition_never_entitles_more_people(
    rules: list, extra: dict[str, Any], data: st.DataObject, person: PersonFacts
) -> None:
    index = data.draw(st.integers(0, len(rules) - 1))
    before = loaded(file_of(rules, "highest"))
    when, amount, end = rules[index]
    stricter = [*rules]
    stricter[index] = ({"all_of": [when, extra]}, amount, end)
    after = loaded(file_of(stricter, "highest"))
    old, new = evaluate(before, person, DAY), evaluate(after, person, DAY)
    for was, now in zip(old.rules, new.rules, strict=True):
        assert not now.applied or was.applied
    assert not new.is_entitled or old.is_entitled


@SETTINGS
@given(rule_sets, persons())
def test_the_deciding_condition_really_fails_for_that_person(
    rules: list, person: PersonFacts
) -> None:
    policy = loaded(file_of(rules, "highest"))
    result = evaluate(policy, person, DAY)
    age = age_on(person.birth_date, DAY)
    for outcome in result.rules:
        if outcome.applied or not outcome.in_effect:
            assert outcome.deciding is None
            continue
        deciding = outcome.deciding
        assert deciding is not None
        assert deciding.failing(person, age) is deciding
        assert outcome.reason
        if person.status == "active":
            assert outcome.rule.when.failing(person, age) is deciding
            assert not outcome.rule.when.holds(person, DAY)
            assert outcome.deciding_path.startswith(outcome.rule.when.path.split(".when")[0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(rule_sets, persons())
def test_exclusive_files_never_grant_two_rules(rules: list, person: PersonFacts) -> None:
    policy = loaded(file_of(rules, "exclusive"))
    group = evaluate(policy, person, DAY).group("g")
    assert len(group.applied) <= 1
    assert not group.conflict


@pytest.mark.parametrize("on", [date(2023, 12, 31), date(2024, 1, 1), date(2030, 1, 2)])
def test_rules_out_of_effect_are_listed_but_never_applied(on: date) -> None:
    text = file_of(
        [({"age": {"min": 60}}, 60, "2023-12-31"), ({"age": {"min": 60}}, 70, "2030-01-01")],
        "highest",
    )
    result = evaluate(load_policy(text), make_person(70, on=on), on)
    assert [o.rule.key for o in result.rules] == ["r0", "r1"]
    assert [o.in_effect for o in result.rules] == [on <= date(2023, 12, 31), on <= date(2030, 1, 1)]
    assert all(o.applied == o.in_effect for o in result.rules)
