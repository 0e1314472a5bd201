"""Synthetic elderly residents in the screening-sheet layout (老年人基本信息筛查摸底表).

Pure Python, no Django: the demo loader and the benchmarks feed it villages and stream the rows
into CSV or Excel. Rows look like a real county's sheet: common surnames and the given names of
people born 1920–1966, an age pyramid with more women at older ages, valid and unique ID
numbers, and category rates in the range the civil-affairs statistics show. Everything is drawn
from one ``random.Random(seed)``, so a seed and a ``today`` always give the same rows.

Speed matters (a benchmark writes a million rows), so every weighted choice is precomputed into
a lookup table of 2**k entries and drawn with ``getrandbits(k)``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from eldercare.core.idcard import check_character

__all__ = ["HEADERS", "TEXT_HEADERS", "SyntheticVillage", "generate_rows"]

HEADERS: tuple[str, ...] = (
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "民族",
    "联系电话",
    "所属区划代码",
    "所属乡镇（街道）",
    "所属村（社区）",
    "户籍地址",
    "现居住地址",
    "居住状况",
    "经济状况",
    "计生特殊家庭",
    "残疾类别",
    "残疾等级",
    "医保类型",
    "紧急联系人",
    "紧急联系人电话",
    "与老人关系",
    "服务需求",
    "筛查日期",
    "筛查人",
)
# Columns that Excel would turn into numbers (and so lose digits or leading zeros).
TEXT_HEADERS: frozenset[str] = frozenset(
    {"公民身份号码", "联系电话", "所属区划代码", "紧急联系人电话"}
)


@dataclass(frozen=True)
class SyntheticVillage:
    code: str  # 12-digit village (村/社区) code
    township_name: str
    village_name: str
    is_urban: bool


# --- weighted lookup tables --------------------------------------------------------------------


def _table(pairs: Sequence[tuple[str, float]], bits: int = 12) -> tuple[str, ...]:
    """2**bits items laid out by weight, so ``table[getrandbits(bits)]`` is a weighted draw."""
    size = 1 << bits
    total = sum(weight for _, weight in pairs)
    items: list[str] = []
    cumulative = 0.0
    index = 0
    for slot in range(size):
        point = (slot + 0.5) / size * total
        while cumulative + pairs[index][1] < point and index < len(pairs) - 1:
            cumulative += pairs[index][1]
            index += 1
        items.append(pairs[index][0])
    return tuple(items)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Surnames with frequencies (per mille, 2020 census order of magnitude). Includes compound
# surnames and heteronyms whose surname reading differs from the common one (曾 单 解 仇 区 查).
_SURNAME_WEIGHTS = """
王 71 李 70 张 68 刘 54 陈 46 杨 31 黄 24 赵 23 吴 21 周 21 徐 16 孙 15 马 15 朱 14 胡 13
郭 12 何 12 林 11 高 11 罗 11 郑 10 梁 10 谢 8 宋 8 唐 8 许 7 韩 7 冯 7 邓 7 曹 7 彭 6 曾 6
肖 6 田 5 董 5 袁 5 潘 5 于 5 蒋 5 蔡 5 余 5 杜 5 叶 4 程 4 苏 4 魏 4 吕 4 丁 4 任 4 沈 4
姚 4 卢 4 姜 4 崔 3 钟 3 谭 3 陆 3 汪 3 范 3 金 3 石 3 廖 3 贾 3 夏 3 韦 3 付 3 方 3 白 2
邹 2 孟 2 熊 2 秦 2 邱 2 江 2 尹 2 薛 2 段 2 雷 2 侯 2 龙 2 史 2 陶 2 黎 2 贺 2 顾 2 毛 2
郝 2 龚 2 邵 2 万 2 覃 1 武 2 单 0.5 解 0.5 仇 0.3 区 0.2 查 0.3 欧阳 0.5 上官 0.1 司马 0.1
"""
_SURNAMES = _table(
    [
        (name, float(weight))
        for name, weight in zip(*[iter(_SURNAME_WEIGHTS.split())] * 2, strict=True)
    ],
    bits=16,
)

# Given names typical of people born before 1950 and in 1950–1966, by sex.
_FEMALE_OLD = _split(
    "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉珍 玉英 兰英 淑珍 淑兰 淑英 秀云 桂珍 凤兰 玉梅 "
    "秀梅 素珍 素英 翠兰 翠英 金凤 凤珍 秀芳 桂芳 玉芳 淑华 秀华 桂花 菊花 兰芳 月英 月娥 "
    "巧云 彩云 秀荣 桂荣 玉华 玉莲 秀莲 金花 银花 春花 秋菊 冬梅 腊梅 招弟 来弟 满姑 细妹 "
    "淑贞 淑芬 桂香 玉香 秀清 凤仙 玉秀"
)
_FEMALE_NEW = _split(
    "秀英 桂英 秀兰 玉兰 红梅 秀红 卫红 红英 建英 爱华 爱英 爱兰 桂兰 国英 玉华 丽华 淑芬 "
    "素芬 亚平 建平 春花 艳华 美华 小英 小红 秀琴 玉琴 桂芝 淑琴 凤琴 淑霞 秀霞 文华 桂芬 "
    "秀芬 金兰 新华 春兰 春梅 冬梅 红霞 素华 秀梅 玉珍 淑珍 凤英"
)
_FEMALE_SINGLE = _split("英 兰 珍 梅 莲 凤 菊 娥 秀 华 芳 琴 霞 萍 红 敏 云")
_MALE_OLD = _split(
    "德明 德胜 德华 德才 德福 福生 福海 福田 福贵 永福 永贵 永祥 长生 长林 根生 金生 宝山 "
    "玉林 玉堂 树林 荣华 振华 志成 志明 文华 文明 明德 世明 世华 国强 国栋 有才 有福 有财 "
    "春生 秋生 冬生 水生 天佑 占山 汉章 炳坤 炳南 庆余 书田 学文 绍先 家祥 正清 少华"
)
_MALE_NEW = _split(
    "建国 国华 国庆 建华 建军 建平 建明 援朝 卫国 卫东 卫民 红军 跃进 胜利 新民 解放 和平 "
    "志强 志刚 振国 立新 向阳 东升 永红 光明 为民 国平 国忠 国良 国安 建设 建新 建林 伟民 "
    "爱国 爱民 新华 庆丰 丰收 铁军 保国 超英 德明 志明 志华 永福 长生"
)
_MALE_SINGLE = _split("福 贵 生 山 林 才 明 德 荣 富 军 强 刚 勇 斌 华 平 伟 忠 兵")
# Children, grid workers and screeners (born 1960–1995).
_MALE_MODERN = _split(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 建军 建华 海涛 "
    "志勇 志刚 文斌 晓东 小军 国平 海波 海军 建平 春雷 红兵 俊杰 志伟 明亮 永强 宏伟 德华"
)
_FEMALE_MODERN = _split(
    "芳 娟 敏 静 丽 艳 娜 霞 燕 玲 红 萍 莉 丹 婷 慧 琳 晶 晓燕 海燕 丽娟 红霞 春梅 小红 "
    "桂芳 秀梅 丽华 玉梅 艳红 丽萍 海霞 晓丽 雪梅 美玲 春燕 晓红 小燕 丽丽 婷婷"
)

# Names of peoples that do not use a Chinese surname.
_UYGHUR_MALE = _split(
    "买买提 艾力 阿不都 吐尔逊 艾买提 阿布都拉 依明 肉孜 阿木提 卡德尔 热合曼 吾守尔"
)
_UYGHUR_FEMALE = _split("阿依古丽 古丽努尔 帕提古丽 热依拉 阿米娜 佐热古丽 阿依夏 努尔尼沙 玛依拉")
_TIBETAN_MALE = _split("扎西 次仁 多吉 顿珠 平措 旺堆 尼玛 达瓦 贡布 洛桑")
_TIBETAN_FEMALE = _split("卓玛 央金 拉姆 德吉 曲珍 次仁 尼玛 普布 白玛 央宗")
_MONGOL_MALE = _split("巴特尔 宝音 额尔敦 朝鲁 那顺 苏和 孟和 巴图 格日勒图 阿拉坦")
_MONGOL_FEMALE = _split("其其格 萨仁 乌兰 斯琴 高娃 娜仁 图雅 托娅 其木格 乌云")

# Ethnic mix by province (first two digits of the code); elsewhere the national default.
_ETHNIC_DEFAULT = (("汉族", 97.5), ("回族", 1.0), ("满族", 0.6), ("苗族", 0.5), ("土家族", 0.4))
_ETHNIC_BY_PROVINCE: dict[str, tuple[tuple[str, float], ...]] = {
    "15": (("汉族", 79), ("蒙古族", 17), ("满族", 2), ("回族", 1), ("达斡尔族", 0.5)),
    "32": (("汉族", 99.4), ("回族", 0.6)),
    "43": (("汉族", 89), ("土家族", 4), ("苗族", 3), ("侗族", 2), ("瑶族", 2)),
    "45": (("汉族", 62), ("壮族", 32), ("瑶族", 3), ("苗族", 1.5), ("侗族", 1.5)),
    "52": (
        ("汉族", 80),
        ("苗族", 6),
        ("布依族", 4),
        ("土家族", 3),
        ("侗族", 3),
        ("彝族", 2),
        ("仡佬族", 2),
    ),
    "54": (("藏族", 90), ("汉族", 10)),
    "62": (("汉族", 90), ("回族", 6), ("藏族", 2), ("东乡族", 2)),
    "63": (("汉族", 53), ("藏族", 24), ("回族", 15), ("土族", 4), ("撒拉族", 2)),
    "64": (("汉族", 64), ("回族", 36)),
    "65": (("汉族", 42), ("维吾尔族", 45), ("哈萨克族", 7), ("回族", 5), ("柯尔克孜族", 1)),
}

# Area codes of the pilot prefectures, then each province's capital as a stand-in.
_AREA_BY_CITY = {"4311": "0746", "5203": "0851", "6204": "0943", "3207": "0518"}
_AREA_BY_PROVINCE = {
    "11": "010", "12": "022", "13": "0311", "14": "0351", "15": "0471", "21": "024",
    "22": "0431", "23": "0451", "31": "021", "32": "025", "33": "0571", "34": "0551",
    "35": "0591", "36": "0791", "37": "0531", "41": "0371", "42": "027", "43": "0731",
    "44": "020", "45": "0771", "46": "0898", "50": "023", "51": "028", "52": "0851",
    "53": "0871", "54": "0891", "61": "029", "62": "0931", "63": "0971", "64": "0951",
    "65": "0991",
}  # fmt: skip
_MOBILE_PREFIXES = _table(
    [(str(p), 3.0) for p in range(130, 140)]
    + [(str(p), 2.5) for p in (150, 151, 152, 153, 155, 156, 157, 158, 159)]
    + [(str(p), 2.0) for p in range(180, 190)]
    + [(str(p), 1.0) for p in (133, 166, 173, 177, 178, 191, 198, 199)]
)

# Age pyramid: share of each ten-year band, then a decline within the band.
_AGE_BANDS = ((60, 69, 55.0, 0.97), (70, 79, 30.0, 0.93), (80, 89, 13.0, 0.85), (90, 105, 2.0, 0.8))
# P(female) by band: women outlive men.
_FEMALE_SHARE = {60: 0.505, 70: 0.53, 80: 0.58, 90: 0.68}
_BAND_OF = {age: start for start, end, _, _ in _AGE_BANDS for age in range(start, end + 1)}

# Economic status, living arrangement, insurance.
_ECONOMY_RURAL = _table(
    [("特困供养", 2), ("低保", 6), ("低保边缘", 2), ("脱贫/建档立卡", 5), ("一般", 85)]
)
_ECONOMY_URBAN = _table(
    [("特困供养", 2), ("低保", 6), ("低保边缘", 2), ("脱贫/建档立卡", 1), ("一般", 89)]
)
# Destitute people are either supported in an institution (集中) or at home (分散).
_LIVING_DESTITUTE = _table([("集中供养", 50), ("独居", 35), ("其他", 10), ("与其他亲属同住", 5)])
_LIVING_RURAL = _table(
    [
        ("独居", 9.5),
        ("空巢", 25),
        ("留守", 8.2),
        ("与子女同住", 46),
        ("与其他亲属同住", 4),
        ("其他", 7.3),
    ]
)
_LIVING_URBAN = _table(
    [("独居", 9.5), ("空巢", 28), ("与子女同住", 50), ("与其他亲属同住", 4), ("其他", 8.5)]
)
_INSURANCE_RURAL = _table([("城乡居民", 75), ("城镇职工", 20), ("其他", 3), ("无", 2)])
_INSURANCE_URBAN = _table([("城乡居民", 50), ("城镇职工", 45), ("其他", 3), ("无", 2)])
_FAMILY_PLANNING = _table([("无", 99.2), ("失独", 0.5), ("伤残", 0.3)], bits=14)

# Disability: rate by band, type and grade (grade 4 is the mildest and most common).
_DISABILITY_RATE = {60: 0.04, 70: 0.07, 80: 0.11, 90: 0.18}
_DISABILITY_TYPES = _table(
    [("肢体", 40), ("视力", 18), ("听力", 20), ("言语", 2), ("智力", 4), ("精神", 6), ("多重", 10)]
)
_DISABILITY_GRADES = _table([("一级", 10), ("二级", 20), ("三级", 30), ("四级", 40)])

# Emergency contacts.
_RELATION_DEFAULT = _table(
    [("子女", 65), ("配偶", 15), ("其他亲属", 8), ("邻居", 5), ("网格员", 7)]
)
_RELATION_ALONE = _table([("子女", 60), ("其他亲属", 15), ("邻居", 10), ("网格员", 15)])
_RELATION_BEREAVED = _table([("配偶", 40), ("其他亲属", 30), ("邻居", 10), ("网格员", 20)])

# Service needs (order of the basic list); probabilities rise with age and disability.
_NEEDS = ("助餐", "助浴", "助洁", "助医", "助行", "助急", "康复护理", "精神慰藉")
_NEED_WEIGHTS = (20, 4, 15, 30, 6, 10, 3, 12)
_NEED_WEIGHTS_DISABLED = (15, 8, 12, 25, 15, 10, 15, 10)
_ANY_NEED = {60: 0.35, 70: 0.5, 80: 0.7, 90: 0.85}
_NEED_COUNT = (1, 1, 1, 1, 1, 2, 2, 2, 3, 4)

_VILLAGE_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
    ("村民委员会", "村"),
    ("村委会", "村"),
)
# Sequence numbers per (address, birth date, sex): 497 slots, visited in a full cycle so that
# numbers look scattered; 2*slot+1 (men) or 2*slot+2 (women) stays within 001–994.
_SEQUENCE_SLOTS = 497
_SEQUENCE_STRIDE = 37


# --- helpers -----------------------------------------------------------------------------------


def _short_village(name: str) -> str:
    """The name as written in an address: 何仙观村委会 → 何仙观村, 多福社区居委会 → 多福社区."""
    for suffix, replacement in _VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith(replacement) else base + replacement
    return name


def _short_township(name: str) -> str:
    return name.removesuffix("办事处") if len(name) > 3 else name


def _area_code(county: str) -> str:
    return _AREA_BY_CITY.get(county[:4]) or _AREA_BY_PROVINCE.get(county[:2], "0731")


def _synthetic_counties(county: str) -> list[str]:
    """Plausible county codes of the same province when the caller gave none."""
    province, city, own = county[:2], county[2:4], county[4:]
    suffixes = ("02", "03", "04", "21", "22", "23", "24", "25", "26", "81")
    same_city = [province + city + s for s in suffixes if s != own]
    other_cities = [
        f"{province}{c:02d}{s}" for c in range(1, 10) if f"{c:02d}" != city for s in ("02", "21")
    ]
    return same_city * 2 + other_cities  # moves within the prefecture are the most common


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age_tables(today: date) -> tuple[tuple[int, ...], dict[int, tuple[int, int]]]:
    """A 2**14 table of ages, and per age the first birth ordinal and the number of days."""
    weights: list[tuple[str, float]] = []
    for start, end, share, decay in _AGE_BANDS:
        raw = []
        for age in range(start, end + 1):
            weight = decay ** (age - start)
            # The 1959–1961 famine left visibly smaller birth cohorts.
            if 1959 <= today.year - age - 1 <= 1961:
                weight *= 0.7
            raw.append(weight)
        total = sum(raw)
        weights += [
            (str(age), share * w / total) for age, w in zip(range(start, end + 1), raw, strict=True)
        ]
    ages = tuple(int(a) for a in _table(weights, bits=14))
    births: dict[int, tuple[int, int]] = {}
    for age in range(60, 106):
        latest = _add_years(today, -age).toordinal()
        earliest = _add_years(today, -age - 1).toordinal() + 1
        births[age] = (earliest, latest - earliest + 1)
    return ages, births


def _needs_tables(seed: int) -> dict[tuple[int, bool], tuple[str, ...]]:
    """Per (age band, disabled) a 2**11 table of pre-drawn needs lists ("" for none)."""
    rng = random.Random(f"needs-{seed}")
    tables: dict[tuple[int, bool], tuple[str, ...]] = {}
    for band, any_need in _ANY_NEED.items():
        for disabled in (False, True):
            weights = _NEED_WEIGHTS_DISABLED if disabled else _NEED_WEIGHTS
            chance = min(0.95, any_need + (0.2 if disabled else 0.0))
            entries = []
            for _ in range(1 << 11):
                if rng.random() >= chance:
                    entries.append("")
                    continue
                wanted = rng.choice(_NEED_COUNT)
                chosen: set[str] = set()
                while len(chosen) < wanted:
                    chosen.add(rng.choices(_NEEDS, weights)[0])
                entries.append("、".join(need for need in _NEEDS if need in chosen))
            tables[(band, disabled)] = tuple(entries)
    return tables


def _counts(villages: Sequence[SyntheticVillage], count: int, rng: random.Random) -> list[int]:
    """Split ``count`` over villages by a random size (communities are bigger than villages)."""
    weights = [rng.uniform(0.8, 2.0) if v.is_urban else rng.uniform(0.6, 1.4) for v in villages]
    total = sum(weights)
    exact = [count * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(villages)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    return counts


def _modern_name(rng: random.Random, female: bool, surname: str | None = None) -> str:
    pool = _FEMALE_MODERN if female else _MALE_MODERN
    return (surname or _SURNAMES[rng.getrandbits(16)]) + pool[int(rng.random() * len(pool))]


@dataclass
class _Place:
    """Per-village data computed once."""

    village: SyntheticVillage
    prefix: str
    county: str
    moved_from: tuple[str, ...]
    area: str
    ethnic: tuple[str, ...]
    screeners: tuple[str, ...]
    campaign_start: int
    campaign_days: int
    groups: int  # 组 (rural) or 栋 (urban)


def _place(
    village: SyntheticVillage,
    rng: random.Random,
    today: date,
    other_counties: Sequence[str],
    ethnic_tables: dict[str, tuple[str, ...]],
) -> _Place:
    code = village.code
    if len(code) != 12 or not (code.isascii() and code.isdigit()):
        raise ValueError(f"村（社区）代码应为12位数字：{code!r}")
    county = code[:6]
    # Codes xx7x are statistical codes of development zones, never printed on an ID card.
    moved = [c for c in other_counties if c[:2] == county[:2] and c != county and c[4] != "7"]
    province = county[:2]
    if province not in ethnic_tables:
        ethnic_tables[province] = _table(_ETHNIC_BY_PROVINCE.get(province, _ETHNIC_DEFAULT))
    screeners = tuple(_modern_name(rng, rng.random() < 0.6) for _ in range(rng.randint(2, 3)))
    days = rng.randint(20, 75)
    start = today.toordinal() - rng.randint(days, 364)
    return _Place(
        village=village,
        prefix=_short_township(village.township_name) + _short_village(village.village_name),
        county=county,
        moved_from=tuple(moved) or tuple(_synthetic_counties(county)),
        area=_area_code(county),
        ethnic=ethnic_tables[province],
        screeners=screeners,
        campaign_start=start,
        campaign_days=days,
        groups=rng.randint(6, 40) if village.is_urban else rng.randint(3, 15),
    )


# --- the generator -----------------------------------------------------------------------------


def generate_rows(
    villages: Sequence[SyntheticVillage],
    count: int,
    *,
    seed: int = 2026,
    today: date,
    other_counties: Sequence[str] = (),
) -> Iterator[dict[str, str]]:
    """``count`` synthetic residents aged 60+ on ``today``, village by village.

    ``other_counties`` are real 6-digit county codes; about 5% of people carry an ID number
    issued in one of those of the same province (they moved). Without them plausible codes
    are made up.
    """
    if not villages:
        raise ValueError("没有村（社区）：无法生成老年人")
    if count < 0:
        raise ValueError(f"人数不能为负数：{count}")
    return _rows(villages, count, seed, today, other_counties)


def _rows(
    villages: Sequence[SyntheticVillage],
    count: int,
    seed: int,
    today: date,
    other_counties: Sequence[str],
) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    rnd = rng.random
    bits = rng.getrandbits
    ethnic_tables: dict[str, tuple[str, ...]] = {}
    places = [_place(v, rng, today, other_counties, ethnic_tables) for v in villages]
    counts = _counts(villages, count, rng)
    ages, births = _age_tables(today)
    needs = _needs_tables(seed)
    surnames = _SURNAMES
    mobiles = _MOBILE_PREFIXES
    slots, stride = _SEQUENCE_SLOTS, _SEQUENCE_STRIDE
    sequence_state: dict[tuple[str, int, int], int] = {}
    dates: dict[int, tuple[str, str]] = {}
    female_share = _FEMALE_SHARE
    band_of = _BAND_OF
    disability_rate = _DISABILITY_RATE
    family_planning = _FAMILY_PLANNING
    old_year = 1950

    def mobile() -> str:
        return f"{mobiles[bits(12)]}{bits(27) % 100_000_000:08d}"

    for place, village_count in zip(places, counts, strict=True):
        village = place.village
        code = village.code
        township, village_name = village.township_name, village.village_name
        urban = village.is_urban
        prefix, county, moved_from = place.prefix, place.county, place.moved_from
        area = place.area
        local_digits = 8 if len(area) == 3 else 7
        local_low = 10 ** (local_digits - 1) * 2
        local_span = 10**local_digits - local_low
        ethnic, screeners = place.ethnic, place.screeners
        groups = place.groups
        campaign_start, campaign_days = place.campaign_start, place.campaign_days
        economy_table = _ECONOMY_URBAN if urban else _ECONOMY_RURAL
        living_table = _LIVING_URBAN if urban else _LIVING_RURAL
        insurance_table = _INSURANCE_URBAN if urban else _INSURANCE_RURAL

        def address(prefix: str = prefix, groups: int = groups, urban: bool = urban) -> str:
            group = 1 + int(rnd() * groups)
            if urban:
                unit = 1 + bits(2) % 3
                room = (2 + int(rnd() * 16)) * 100 + 1 + bits(1)
                return f"{prefix}{group}栋{unit}单元{room}号"
            return f"{prefix}{group}组{1 + int(rnd() * 60)}号"

        for _ in range(village_count):
            # Age, sex, birth date.
            age = ages[bits(14)]
            band = band_of[age]
            female = rnd() < female_share[band]
            first, span = births[age]
            ordinal = first + int(rnd() * span)
            address_code = county if rnd() >= 0.05 else moved_from[int(rnd() * len(moved_from))]
            sex_bit = 0 if female else 1
            while True:
                key = (address_code, ordinal, sex_bit)
                state = sequence_state.get(key)
                if state is None:
                    start, used = int(rnd() * slots), 0
                else:
                    start, used = state & 1023, state >> 10
                if used < slots:
                    break
                ordinal -= 1  # every number of that day is taken: one day older
            sequence_state[key] = ((used + 1) << 10) | start
            sequence = 2 * ((start + used * stride) % slots) + 1 + (1 if female else 0)
            cached = dates.get(ordinal)
            if cached is None:
                born = date.fromordinal(ordinal)
                cached = dates[ordinal] = (born.isoformat(), born.strftime("%Y%m%d"))
            birth_iso, birth_compact = cached
            first17 = f"{address_code}{birth_compact}{sequence:03d}"
            id_number = first17 + check_character(first17)

            # Name.
            nation = ethnic[bits(12)]
            if nation == "维吾尔族" or nation == "哈萨克族":
                pool = _UYGHUR_FEMALE if female else _UYGHUR_MALE
                name = (
                    f"{pool[int(rnd() * len(pool))]}·{_UYGHUR_MALE[int(rnd() * len(_UYGHUR_MALE))]}"
                )
                surname = ""
            elif nation == "藏族":
                pool = _TIBETAN_FEMALE if female else _TIBETAN_MALE
                name = _TIBETAN_MALE[int(rnd() * len(_TIBETAN_MALE))] + pool[int(rnd() * len(pool))]
                surname = ""
            elif nation == "蒙古族" and rnd() < 0.5:
                pool = _MONGOL_FEMALE if female else _MONGOL_MALE
                name = pool[int(rnd() * len(pool))]
                surname = ""
            else:
                surname = "马" if nation == "回族" and rnd() < 0.4 else surnames[bits(16)]
                old = int(birth_compact[:4]) < old_year
                if rnd() < 0.12:
                    pool = _FEMALE_SINGLE if female else _MALE_SINGLE
                elif female:
                    pool = _FEMALE_OLD if old else _FEMALE_NEW
                else:
                    pool = _MALE_OLD if old else _MALE_NEW
                name = surname + pool[int(rnd() * len(pool))]

            # Phone: mobile, landline or none.
            draw = rnd()
            if draw < 0.70:
                phone = mobile()
            elif draw < 0.85:
                phone = f"{area}-{local_low + int(rnd() * local_span)}"
            else:
                phone = ""

            # Circumstances.
            economy = economy_table[bits(12)]
            living = (
                _LIVING_DESTITUTE[bits(12)] if economy == "特困供养" else living_table[bits(12)]
            )
            plan = family_planning[bits(14)]
            if plan == "失独" and living in ("与子女同住", "留守"):
                living = "空巢"
            disabled = rnd() < disability_rate[band]
            if disabled:
                disability, grade = _DISABILITY_TYPES[bits(12)], _DISABILITY_GRADES[bits(12)]
            else:
                disability = grade = ""
            insurance = insurance_table[bits(12)]
            current = address()
            registered = current if rnd() < 0.9 else address()

            # Emergency contact.
            if rnd() < 0.08:
                contact = contact_phone = relation = ""
            else:
                if plan == "失独":
                    relation = _RELATION_BEREAVED[bits(12)]
                elif living in ("独居", "集中供养"):
                    relation = _RELATION_ALONE[bits(12)]
                else:
                    relation = _RELATION_DEFAULT[bits(12)]
                if relation == "子女":
                    same = bool(surname) and not female and rnd() < 0.9
                    contact = _modern_name(rng, rnd() < 0.5, surname if same else None)
                elif relation == "配偶":
                    pool = _MALE_NEW if female else _FEMALE_NEW
                    contact = surnames[bits(16)] + pool[int(rnd() * len(pool))]
                elif relation == "网格员":
                    contact = screeners[int(rnd() * len(screeners))]
                else:
                    contact = _modern_name(rng, rnd() < 0.5)
                # Always a phone: the template requires contact, phone and relation together.
                if rnd() < 0.95:
                    contact_phone = mobile()
                else:
                    contact_phone = f"{area}-{local_low + int(rnd() * local_span)}"

            screened = campaign_start + int(rnd() * campaign_days)
            screened_iso = dates.get(screened)
            if screened_iso is None:
                day = date.fromordinal(screened)
                screened_iso = dates[screened] = (day.isoformat(), day.strftime("%Y%m%d"))

            yield {
                "姓名": name,
                "公民身份号码": id_number,
                "性别": "女" if female else "男",
                "出生日期": birth_iso,
                "民族": nation,
                "联系电话": phone,
                "所属区划代码": code,
                "所属乡镇（街道）": township,
                "所属村（社区）": village_name,
                "户籍地址": registered,
                "现居住地址": current,
                "居住状况": living,
                "经济状况": economy,
                "计生特殊家庭": plan,
                "残疾类别": disability,
                "残疾等级": grade,
                "医保类型": insurance,
                "紧急联系人": contact,
                "紧急联系人电话": contact_phone,
                "与老人关系": relation,
                "服务需求": needs[(band, disabled)][bits(11)],
                "筛查日期": screened_iso[0],
                "筛查人": screeners[int(rnd() * len(screeners))],
            }
