from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.core.normalize import (
    ETHNIC_GROUPS,
    ValueFormatError,
    clean_compact,
    clean_name,
    clean_text,
    parse_date,
    parse_ethnicity,
    parse_phones,
    split_list,
    to_halfwidth,
)

# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ１２３ｘ", "ABC123x"),
        ("（０７３１）", "(0731)"),
        ("\u3000张三\u3000", " 张三 "),
        ("～！＠", "~!@"),
        ("张三", "张三"),
    ],
)
def test_to_halfwidth(text: str, expected: str) -> None:
    assert to_halfwidth(text) == expected


@given(st.text(alphabet="0123456789"))
def test_to_halfwidth_of_fullwidth_digits_is_ascii(digits: str) -> None:
    fullwidth = "".join(chr(ord(d) + 0xFEE0) for d in digits)
    assert to_halfwidth(fullwidth) == digits


@pytest.mark.parametrize(
    ("value", "text", "compact"),
    [
        (None, "", ""),
        ("", "", ""),
        (3.0, "3", "3"),
        (3.5, "3.5", "3.5"),
        (float("nan"), "", ""),
        (13812345678.0, "13812345678", "13812345678"),
        (Decimal("42"), "42", "42"),
        (7, "7", "7"),
        ("  长沙市\u3000 芙蓉区\t\n五一路 ", "长沙市 芙蓉区 五一路", "长沙市芙蓉区五一路"),
        ("张\xa0三", "张 三", "张三"),
        ("张\u200b三", "张三", "张三"),
        ("ＡＢ　ＣＤ", "AB CD", "ABCD"),
    ],
)
def test_clean_text_and_compact(value: object, text: str, compact: str) -> None:
    assert clean_text(value) == text
    assert clean_compact(value) == compact


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" 张 三 ", "张三"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽‧买买提", "阿依古丽·买买提"),
        ("阿依古丽．买买提", "阿依古丽·买买提"),
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽 . 买买提", "阿依古丽·买买提"),
        ("阿依古丽··买买提", "阿依古丽·买买提"),
        ("John.Smith", "John.Smith"),
        ("张三.", "张三."),
    ],
)
def test_clean_name(value: str, expected: str) -> None:
    assert clean_name(value) == expected


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "1950-03-05",
        "1950-3-5",
        "1950/3/5",
        "1950/03/05",
        "1950.3.5",
        "1950年3月5日",
        "1950年3月5号",
        "1950年03月05日",
        "1950年3月5",
        "19500305",
        "１９５０年３月５日",
        "１９５０－０３－０５",
        " 1950 年 3 月 5 日 ",
        "1950-3-5 00:00:00",
        "1950-03-05T00:00:00",
        "1950/3/5 8:30",
        date(1950, 3, 5),
        datetime(1950, 3, 5, 14, 30),
        18327,
        18327.0,
        18327.75,
    ],
)
def test_parse_date_accepted_forms(value: object) -> None:
    assert parse_date(value) == date(1950, 3, 5)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (25569, date(1970, 1, 1)),
        (45292, date(2024, 1, 1)),
    ],
)
def test_excel_serials(serial: int, expected: date) -> None:
    assert parse_date(serial) == expected


def test_excel_fake_leap_day_is_invalid() -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_date(60)
    assert info.value.code == "date_invalid"


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "1950",
        "1950-03",
        "3/5/1950",
        "1950-3/5",
        "五零年三月五日",
        "195035",
        "昨天",
        0,
        -5,
        100001,
        float("nan"),
        True,
    ],
)
def test_parse_date_unrecognised(value: object) -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_date(value)
    assert info.value.code == "date_format"


def test_date_format_message_lists_accepted_forms() -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_date("3/5/1950")
    message = str(info.value)
    assert "3/5/1950" in message
    for form in ("1950-03-05", "1950/3/5", "1950.3.5", "1950年3月5日", "19500305"):
        assert form in message


@pytest.mark.parametrize("value", ["1950-02-30", "1951年2月29日", "19501301", "1950/4/31"])
def test_parse_date_not_a_real_date(value: str) -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_date(value)
    assert info.value.code == "date_invalid"


dates = st.dates(min_value=date(1880, 1, 1), max_value=date(2030, 12, 31))


@given(dates)
def test_iso_dates_round_trip(day: date) -> None:
    assert parse_date(day.isoformat()) == day


@given(dates)
def test_chinese_dates_round_trip(day: date) -> None:
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day


@given(dates)
def test_compact_dates_round_trip(day: date) -> None:
    assert parse_date(day.strftime("%Y%m%d")) == day


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("", []),
        ("13812345678", ["13812345678"]),
        (13812345678, ["13812345678"]),
        (13812345678.0, ["13812345678"]),
        ("１３８１２３４５６７８", ["13812345678"]),
        ("138-1234-5678", ["13812345678"]),
        ("138 1234 5678", ["13812345678"]),
        ("+8613812345678", ["13812345678"]),
        ("+86 138 1234 5678", ["13812345678"]),
        ("86-13812345678", ["13812345678"]),
        ("0731-1234567", ["0731-1234567"]),
        ("07311234567", ["0731-1234567"]),
        ("0731 12345678", ["0731-12345678"]),
        ("073112345678", ["0731-12345678"]),
        ("（0731）12345678", ["0731-12345678"]),
        ("010-62345678", ["010-62345678"]),
        ("01062345678", ["010-62345678"]),
        ("021-62345678", ["021-62345678"]),
        ("02962345678", ["029-62345678"]),
        ("0731-1234567-123", ["0731-1234567-123"]),
        ("0731-1234567转123", ["0731-1234567-123"]),
        ("07311234567转8", ["0731-1234567-8"]),
        ("+86-731-2234567", ["0731-2234567"]),
        (
            "13812345678、0731-1234567,13912345678，010-62345678;15012345678；"
            "18612345678/0755-22345678",
            [
                "13812345678",
                "0731-1234567",
                "13912345678",
                "010-62345678",
                "15012345678",
                "18612345678",
                "0755-22345678",
            ],
        ),
        ("13812345678 13912345678", ["13812345678", "13912345678"]),
        ("138 1234 5678 0731 1234567", ["13812345678", "0731-1234567"]),
        ("13812345678、138-1234-5678、+86 13812345678", ["13812345678"]),
    ],
)
def test_parse_phones(value: object, expected: list[str]) -> None:
    assert parse_phones(value) == expected


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("1381234567", "1381234567"),
        ("12812345678", "12812345678"),
        ("138123456789", "138123456789"),
        ("13812345678、电话坏了", "电话坏了"),
        ("0731-123456", "0731-123456"),
        ("1234567", "1234567"),
        ("13812345678 abc", "abc"),
    ],
)
def test_parse_phones_rejects(value: str, bad: str) -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_phones(value)
    assert info.value.code == "phone_format"
    assert bad in str(info.value)


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_any_mobile_round_trips(mobile: str) -> None:
    assert parse_phones(mobile) == [mobile]
    assert parse_phones(f"+86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}") == [mobile]


# --- ethnicity -------------------------------------------------------------------------------


def test_there_are_56_unique_ethnic_groups() -> None:
    assert len(ETHNIC_GROUPS) == 56
    assert len(set(ETHNIC_GROUPS)) == 56
    assert all(name.endswith("族") for name in ETHNIC_GROUPS)
    assert ETHNIC_GROUPS[0] == "汉族"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("汉族", "汉族"),
        ("汉", "汉族"),
        (" 汉 族 ", "汉族"),
        ("土", "土族"),
        ("土族", "土族"),
        ("土家", "土家族"),
        ("土家族", "土家族"),
        ("水", "水族"),
        ("蒙古", "蒙古族"),
        ("维吾尔", "维吾尔族"),
        ("柯尔克孜族", "柯尔克孜族"),
        (None, ""),
        ("", ""),
    ],
)
def test_parse_ethnicity(value: object, expected: str) -> None:
    assert parse_ethnicity(value) == expected


@pytest.mark.parametrize("name", ETHNIC_GROUPS)
def test_every_group_accepts_short_and_full_names(name: str) -> None:
    assert parse_ethnicity(name) == name
    assert parse_ethnicity(name[:-1]) == name


@pytest.mark.parametrize("value", ["火星", "族", "汉族族", "蒙", "Han"])
def test_parse_ethnicity_unknown(value: str) -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_ethnicity(value)
    assert info.value.code == "ethnicity_unknown"


# --- lists -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("", []),
        ("助餐", ["助餐"]),
        (
            "助餐、助浴，陪诊;理发；助洁, 康复 护理",
            ["助餐", "助浴", "陪诊", "理发", "助洁", "康复", "护理"],
        ),
        ("、助餐、、助浴、", ["助餐", "助浴"]),
        ("助餐\u3000助浴\n陪诊", ["助餐", "助浴", "陪诊"]),
    ],
)
def test_split_list(value: object, expected: list[str]) -> None:
    assert split_list(value) == expected
