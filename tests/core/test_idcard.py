from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.core.idcard import (
    IdNumber,
    IdNumberError,
    check_character,
    convert_legacy,
    parse_id_number,
)

TODAY = date(2024, 6, 1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def build(address: str, birth: date, seq: str) -> str:
    first17 = f"{address}{birth:%Y%m%d}{seq}"
    return first17 + check_character(first17)


def error_code(value: object, *, strict_legacy: bool = False) -> str:
    with pytest.raises(IdNumberError) as info:
        parse_id_number(value, today=TODAY, strict_legacy=strict_legacy)
    return info.value.code


def test_standard_example() -> None:
    parsed = parse_id_number("11010519491231002X", today=TODAY)
    assert parsed == IdNumber(
        number="11010519491231002X",
        address_code="110105",
        birth_date=date(1949, 12, 31),
        sex="F",
        was_legacy=False,
        needs_manual_birth_date=False,
    )


def test_odd_sequence_digit_is_male() -> None:
    number = build("110105", date(1950, 1, 1), "011")
    assert parse_id_number(number, today=TODAY).sex == "M"


def test_legacy_conversion() -> None:
    assert convert_legacy("310112850409522") == "310112198504095227"
    parsed = parse_id_number("310112850409522", today=TODAY)
    assert parsed.number == "310112198504095227"
    assert parsed.birth_date == date(1985, 4, 9)
    assert parsed.sex == "F"
    assert parsed.was_legacy
    assert not parsed.needs_manual_birth_date


def test_legacy_implying_under_16_is_flagged_or_rejected_when_strict() -> None:
    early_today = date(1990, 1, 1)
    parsed = parse_id_number("310112850409522", today=early_today)
    assert parsed.needs_manual_birth_date
    with pytest.raises(IdNumberError) as info:
        parse_id_number("310112850409522", today=early_today, strict_legacy=True)
    assert info.value.code == "id_legacy_age"


def test_legacy_centenarian_sequence_is_flagged() -> None:
    parsed = parse_id_number("310112050409997", today=TODAY)
    assert parsed.needs_manual_birth_date
    assert error_code("310112050409997", strict_legacy=True) == "id_legacy_age"


@pytest.mark.parametrize("residue", range(11))
def test_every_residue_maps_to_its_check_character(residue: int) -> None:
    # Vary the sequence digits until the weighted sum lands on the residue under test.
    for seq in range(1000):
        first17 = f"11010519491231{seq:03d}"
        total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
        if total % 11 == residue:
            break
    expected = "10X98765432"[residue]
    assert check_character(first17) == expected
    assert parse_id_number(first17 + expected, today=TODAY).number == first17 + expected


def test_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(IdNumberError) as info:
        parse_id_number("110105194912310021", today=TODAY)
    assert info.value.code == "id_checksum"
    assert str(info.value) == "校验码错误：应为X"


@pytest.mark.parametrize("year", [1952, 1996, 2000])
def test_feb_29_valid_in_leap_years(year: int) -> None:
    number = build("110105", date(year, 2, 29), "123")
    assert parse_id_number(number, today=TODAY).birth_date == date(year, 2, 29)


@pytest.mark.parametrize("year", [1900, 1951, 2023])
def test_feb_29_invalid_in_other_years(year: int) -> None:
    first17 = f"110105{year}0229123"
    assert error_code(first17 + check_character(first17)) == "id_birth_date"


@pytest.mark.parametrize("birth", ["19491331", "19490431", "19490000", "18491231"])
def test_impossible_birth_dates(birth: str) -> None:
    first17 = f"110105{birth}123"
    assert error_code(first17 + check_character(first17)) == "id_birth_date"


def test_future_birth_date_rejected() -> None:
    number = build("110105", TODAY + timedelta(days=1), "123")
    assert error_code(number) == "id_birth_date"
    assert parse_id_number(build("110105", TODAY, "123"), today=TODAY).birth_date == TODAY


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "id_empty"),
        ("", "id_empty"),
        ("  \u3000 ", "id_empty"),
        ("11010519491231002", "id_length"),
        ("11010519491231002X1", "id_length"),
        ("1101051949", "id_length"),
        ("110105A9491231002X", "id_chars"),
        ("11010519491231-02X", "id_chars"),
        ("X10105194912310021", "id_chars"),
        ("31011285040952X", "id_chars"),
        (4.30124195003052e17, "id_numeric_cell"),
        (430124195003052000, "id_numeric_cell"),
        ("4.30124195003052E+17", "id_numeric_cell"),
        ("4.30124195003052e17", "id_numeric_cell"),
        ("430124195003052000.0", "id_numeric_cell"),
    ],
)
def test_rejections(value: object, code: str) -> None:
    assert error_code(value) == code


def test_length_message_states_expected_and_actual() -> None:
    with pytest.raises(IdNumberError) as info:
        parse_id_number("11010519491231002", today=TODAY)
    assert "18" in str(info.value)
    assert "15" in str(info.value)
    assert "17" in str(info.value)


def test_numeric_cell_message_explains_lost_digits() -> None:
    with pytest.raises(IdNumberError) as info:
        parse_id_number(4.30124195003052e17, today=TODAY)
    message = str(info.value)
    assert "数字" in message
    assert "丢失" in message
    assert "文本" in message


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002ｘ",
        "１１０１０５１９４９１２３１００２Ｘ",
        " 110105 19491231 002x\u3000",
        "110105\xa019491231002X\n",
    ],
)
def test_messy_text_is_normalised(value: str) -> None:
    assert parse_id_number(value, today=TODAY).number == "11010519491231002X"


def test_check_character_rejects_bad_input() -> None:
    with pytest.raises(IdNumberError):
        check_character("1234")
    with pytest.raises(IdNumberError):
        convert_legacy("31011285040952X")


addresses = st.from_regex(r"\A[0-9]{6}\Z")
sequences = st.from_regex(r"\A[0-9]{3}\Z")
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))


@given(address=addresses, birth=births, seq=sequences)
def test_built_numbers_round_trip(address: str, birth: date, seq: str) -> None:
    parsed = parse_id_number(build(address, birth, seq), today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.address_code == address
    assert parsed.sex == ("M" if int(seq[-1]) % 2 else "F")
    assert not parsed.was_legacy


@given(
    address=addresses,
    birth=births,
    seq=sequences,
    position=st.integers(min_value=0, max_value=17),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_is_detected(
    address: str, birth: date, seq: str, position: int, delta: int
) -> None:
    number = build(address, birth, seq)
    char = number[position]
    replacement = str(delta) if char == "X" else str((int(char) + delta) % 10)
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(IdNumberError) as info:
        parse_id_number(changed, today=TODAY)
    assert info.value.code in {"id_checksum", "id_birth_date"}
