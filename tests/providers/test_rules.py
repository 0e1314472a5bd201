"""The pure rules: credit codes (GB 32100 / GB 11714), weekly windows, coordinates, hull."""

from datetime import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.core.geo import CoordinateError, parse_coordinates
from eldercare.providers.rules.credit_code import (
    ALPHABET,
    AUTHORITIES,
    CreditCodeError,
    check_character,
    kind_conflict,
    organisation_check_character,
    parse_credit_code,
)
from eldercare.providers.rules.schedule import ScheduleError, Window, check_windows
from tests.providers.builders import credit_code

# Published codes (国家企业信用信息公示系统 / 全国社会组织信用信息公示平台 examples).
# The test machine is shared: slow generation says nothing about the rules.
patient = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
KNOWN_VALID = ["91350100M000100Y43", "91110000600037341L"]


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    authority = draw(st.sampled_from(sorted(AUTHORITIES)))
    kind = draw(st.sampled_from(sorted(AUTHORITIES[authority][1])))
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    body = draw(st.text(alphabet=ALPHABET, min_size=8, max_size=8))
    first17 = authority + kind + region + body + organisation_check_character(body)
    return first17 + check_character(first17)


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_published_codes_are_valid(code: str) -> None:
    assert parse_credit_code(code).code == code


def test_parts_are_decoded() -> None:
    code = parse_credit_code(" 9135 0100 M000 100Y43 ")
    assert (code.authority_name, code.organisation_type_name) == ("工商", "企业")
    assert code.region_code == "350100"
    assert code.organisation_code == "M000100Y4"


def test_fullwidth_and_lowercase_are_normalised() -> None:
    assert parse_credit_code("９１３５０１００ｍ０００１００ｙ４３").code == "91350100M000100Y43"


@patient
@given(credit_codes())
def test_generated_codes_are_valid(code: str) -> None:
    assert parse_credit_code(code).code == code


@patient
@given(credit_codes(), st.integers(0, 17), st.sampled_from(ALPHABET + "IOZSV"))
def test_every_single_character_change_is_caught(code: str, position: int, char: str) -> None:
    mutated = code[:position] + char + code[position + 1 :]
    if mutated == code:
        return
    with pytest.raises(CreditCodeError):
        parse_credit_code(mutated)


@pytest.mark.parametrize(
    ("code", "rule", "words"),
    [
        ("91350100M000100Y4", "length", "18 位"),
        ("91350100M000100I43", "chars", "I"),
        ("B1350100M000100Y43", "authority", "第 1 位"),
        ("94350100M000100Y43", "organisation_type", "第 2 位"),
        ("913501A0M000100Y43", "region", "第 3–8 位"),
        ("91350100M000100Y53", "organisation_check", "第 9–17 位"),
        ("91350100M000100Y44", "check", "第 18 位"),
    ],
)
def test_each_rule_names_itself(code: str, rule: str, words: str) -> None:
    with pytest.raises(CreditCodeError) as caught:
        parse_credit_code(code)
    assert caught.value.code == rule
    assert words in caught.value.message


def test_kind_must_match_the_registering_authority() -> None:
    enterprise = parse_credit_code("91350100M000100Y43")
    assert kind_conflict(enterprise, "enterprise") is None
    message = kind_conflict(enterprise, "social_organisation")
    assert message is not None and "民政" in message and "工商" in message
    institution = parse_credit_code(credit_code(authority="1", kind="2"))
    assert kind_conflict(institution, "public_institution") is None
    assert kind_conflict(institution, "enterprise") is not None


def test_windows_sorted_and_touching_allowed() -> None:
    windows = [
        Window(0, time(13), time(17)),
        Window(0, time(8), time(13)),
        Window(6, time(8), time(9)),
    ]
    assert check_windows(windows)[0] == Window(0, time(8), time(13))


@pytest.mark.parametrize(
    ("windows", "rule"),
    [
        ([Window(0, time(8), time(12)), Window(0, time(11), time(14))], "overlap"),
        ([Window(7, time(8), time(12))], "weekday"),
        ([Window(2, time(12), time(12))], "window"),
    ],
)
def test_bad_windows(windows: list[Window], rule: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        check_windows(windows)
    assert caught.value.code == rule


@patient
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 22), st.integers(1, 4)), max_size=8))
def test_accepted_windows_never_overlap(raw: list[tuple[int, int, int]]) -> None:
    windows = [
        Window(day, time(start), time(min(start + length, 23))) for day, start, length in raw
    ]
    try:
        ordered = check_windows(windows)
    except ScheduleError:
        return
    for a in ordered:
        for b in ordered:
            if a is not b and a.weekday == b.weekday:
                assert a.ends_at <= b.starts_at or b.ends_at <= a.starts_at


def test_coordinates() -> None:
    assert parse_coordinates("26.42", "111.613") == (Decimal("26.420000"), Decimal("111.613000"))
    assert parse_coordinates("", None) is None
    for lat, lng, rule in [
        ("26.4", "", "partial"),
        ("95", "111", "latitude_range"),
        ("26", "190", "longitude_range"),
        ("111.6", "26.4", "latitude_range"),
        ("-26.4", "111.6", "outside_china"),
        ("abc", "111", "format"),
    ]:
        with pytest.raises(CoordinateError) as caught:
            parse_coordinates(lat, lng)
        assert caught.value.code == rule


def test_windows_text_round_trip() -> None:
    from eldercare.providers.rules.schedule import format_windows, parse_windows

    windows = parse_windows("1 08:00 12:00\n\n1 13:00-17:30\n7 9：00 10:00")
    assert windows[-1] == Window(6, time(9), time(10))
    assert parse_windows(format_windows(windows)) == windows
    for bad in ("8 08:00 09:00", "1 8点 9点", "1 08:00", "1 09:00 08:00"):
        with pytest.raises(ScheduleError):
            parse_windows(bad)
