"""Pinyin search keys for Chinese personal names.

Staff search residents by typing "zhangsan" or "zs". pypinyin reads characters with their
everyday reading, which is wrong for a number of surnames (单 is "shan", not "dan", when it is
a surname), so the surname is looked up in a table first and only the given name is left to
pypinyin.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from eldercare.core.normalize import clean_compact

__all__ = ["COMPOUND_SURNAMES", "SURNAME_READINGS", "name_search_keys"]

# Every entry was checked against pypinyin 0.55 lazy_pinyin(..., Style.NORMAL) on the single
# character: only surnames whose surname reading differs from that default are listed.
# (华 hua, 任 ren, 过 guo, 沈 shen, 柏 bai, 纪 ji, 牟 mou, 殷 yin, 尉 wei already come out right.)
_SINGLE_SURNAMES: dict[str, tuple[str, ...]] = {
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "区": ("ou",),
    "查": ("zha",),
    "盖": ("ge",),
    "缪": ("miao",),
    "乐": ("yue",),
    "翟": ("zhai",),
    "覃": ("qin",),
    "召": ("shao",),
    "秘": ("bi",),
    "种": ("chong",),
    "重": ("chong",),
    "折": ("she",),
    "句": ("gou",),
    "员": ("yun",),
    "繁": ("po",),
    "都": ("du",),
    "藏": ("zang",),
    "薄": ("bo",),
    "六": ("lu",),
    "黑": ("he",),
    "阚": ("kan",),
    "祭": ("zhai",),
    "郇": ("xun",),
}

# All common compound surnames are listed, whether or not pypinyin happens to read them right,
# so that the two characters are always treated as one surname.
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "长孙": ("zhang", "sun"),
    "宇文": ("yu", "wen"),
    "司徒": ("si", "tu"),
    "令狐": ("ling", "hu"),
    "夏侯": ("xia", "hou"),
    "轩辕": ("xuan", "yuan"),
    "端木": ("duan", "mu"),
    "万俟": ("mo", "qi"),
    "澹台": ("tan", "tai"),
    "呼延": ("hu", "yan"),
    "独孤": ("du", "gu"),
}

SURNAME_READINGS: dict[str, tuple[str, ...]] = {**_SINGLE_SURNAMES, **COMPOUND_SURNAMES}

_DOTS_RE = re.compile(r"[·•・‧･∙⋅﹒ㆍ.]")
_ASCII_WORD_RE = re.compile(r"[a-z]+")


def _non_hanzi(chunk: str) -> list[str]:
    # Latin letters in a name (rare, but "李Anna" happens) stay searchable; digits, punctuation
    # and characters pypinyin has no reading for are dropped.
    return _ASCII_WORD_RE.findall(chunk.lower())


def _syllables(text: str) -> list[str]:
    if not text:
        return []
    # pypinyin accepts a list from the errors callback (an empty one drops the chunk), but its
    # stubs only admit str.
    return list(lazy_pinyin(text, style=Style.NORMAL, errors=_non_hanzi))  # type: ignore[arg-type]


def name_search_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lowercase ASCII: "单雄信" -> ("shanxiongxin", "sxx")."""
    text = clean_compact(name)
    without_dots = _DOTS_RE.sub("", text)
    if without_dots != text:
        # Transliterated minority/foreign names ("阿依古丽·买买提") have no Han surname.
        syllables = _syllables(without_dots)
    elif text[:2] in COMPOUND_SURNAMES:
        syllables = [*COMPOUND_SURNAMES[text[:2]], *_syllables(text[2:])]
    elif text[:1] in _SINGLE_SURNAMES:
        syllables = [*_SINGLE_SURNAMES[text[:1]], *_syllables(text[1:])]
    else:
        # Whole-name reading lets pypinyin's phrase data disambiguate the given name.
        syllables = _syllables(text)
    return "".join(syllables), "".join(syllable[0] for syllable in syllables)
