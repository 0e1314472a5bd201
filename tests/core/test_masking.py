import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.core.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("320102195001011234", "320102********1234"),
        ("11010519491231002X", "110105********002X"),
        ("310112850409522", "310112*****9522"),
        ("12345678901", "123456*8901"),
        ("1234567890", "**********"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_id_number(number: str, expected: str) -> None:
    assert mask_id_number(number) == expected


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("13812345678", "138****5678"),
        ("0731-1234567", "0731-****567"),
        ("0731-12345678", "0731-*****678"),
        ("010-62345678", "010-*****678"),
        ("0731-1234567-123", "0731-****567-123"),
        ("+1 415 555 0100", "***********0100"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, expected: str) -> None:
    assert mask_phone(phone) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳修", "欧**"),
        ("阿依古丽·买买提", "阿*******"),
        ("张", "*"),
        ("", ""),
    ],
)
def test_mask_name(name: str, expected: str) -> None:
    assert mask_name(name) == expected


@given(st.text())
def test_maskers_preserve_length(value: str) -> None:
    assert len(mask_id_number(value)) == len(value)
    assert len(mask_phone(value)) == len(value)
    assert len(mask_name(value)) == len(value)


@given(st.from_regex(r"\A[0-9]{17}[0-9X]\Z"))
def test_id_mask_keeps_address_code_and_last_four(number: str) -> None:
    masked = mask_id_number(number)
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert masked[6:-4] == "*" * 8


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_mobile_mask_keeps_prefix_and_last_four(mobile: str) -> None:
    masked = mask_phone(mobile)
    assert masked[:3] == mobile[:3]
    assert masked[-4:] == mobile[-4:]
    assert masked[3:7] == "****"


@given(st.text(min_size=2))
def test_name_mask_reveals_only_the_first_character(name: str) -> None:
    masked = mask_name(name)
    assert masked[0] == name[0]
    assert set(masked[1:]) == {"*"}
