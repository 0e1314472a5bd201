import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

from eldercare.core.pinyin import COMPOUND_SURNAMES, SURNAME_READINGS, name_search_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("单雄信", "shanxiongxin", "sxx"),
        ("曾国藩", "zengguofan", "zgf"),
        ("欧阳修", "ouyangxiu", "oyx"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("朴正", "piaozheng", "pz"),
        ("区", "ou", "o"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟卨", "moqixie", "mqx"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("令狐冲", "linghuchong", "lhc"),
        ("翟", "zhai", "z"),
        ("缪", "miao", "m"),
        ("阚", "kan", "k"),
        ("华佗", "huatuo", "ht"),
        ("吕布", "lvbu", "lb"),
        ("阿依古丽·买买提", "ayigulimaimaiti", "ayglmmt"),
        ("阿依古丽•买买提", "ayigulimaimaiti", "ayglmmt"),
        ("单·阿力", "danali", "dal"),
        ("李Anna", "lianna", "la"),
        ("李 ＡＮＮＡ 3", "lianna", "la"),
        (" 张　三 ", "zhangsan", "zs"),
        ("", "", ""),
    ],
)
def test_examples(name: str, full: str, initials: str) -> None:
    assert name_search_keys(name) == (full, initials)


@pytest.mark.parametrize("surname", sorted(set(SURNAME_READINGS) - set(COMPOUND_SURNAMES)))
def test_single_surname_table_only_lists_readings_pypinyin_gets_wrong(surname: str) -> None:
    assert lazy_pinyin(surname, style=Style.NORMAL) != list(SURNAME_READINGS[surname])


@pytest.mark.parametrize("surname", sorted(COMPOUND_SURNAMES))
def test_compound_surnames_read_as_tabled(surname: str) -> None:
    full, initials = name_search_keys(surname + "一")
    assert full == "".join(COMPOUND_SURNAMES[surname]) + "yi"
    assert len(initials) == 3


_HANZI_WITH_READING = sorted(chr(cp) for cp in pinyin_dict if 0x4E00 <= cp <= 0x9FFF)
cjk_names = st.text(alphabet=st.sampled_from(_HANZI_WITH_READING), min_size=1, max_size=6)


@given(cjk_names)
def test_one_initial_per_character(name: str) -> None:
    full, initials = name_search_keys(name)
    assert len(initials) == len(name)
    assert full.startswith(initials[0])


@given(st.one_of(cjk_names, st.text(max_size=10)))
def test_keys_are_lowercase_ascii(name: str) -> None:
    for key in name_search_keys(name):
        assert re.fullmatch(r"[a-z]*", key)
