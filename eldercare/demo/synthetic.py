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
from eldercare.demo import population_tables as tables

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
    return tables.AREA_BY_CITY.get(county[:4]) or tables.AREA_BY_PROVINCE.get(county[:2], "0731")


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
    for start, end, share, decay in tables.AGE_BANDS:
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
    ages = tuple(int(a) for a in tables.table(weights, bits=14))
    births: dict[int, tuple[int, int]] = {}
    for age in range(60, 106):
        latest = _add_years(today, -age).toordinal()
        earliest = _add_years(today, -age - 1).toordinal() + 1
        births[age] = (earliest, latest - earliest + 1)
    return ages, births


def _needs_tables(seed: int) -> dict[tuple[int, bool], tuple[str, ...]]:
    """Per (age band, disabled) a 2**11 table of pre-drawn needs lists ("" for none)."""
    rng = random.Random(f"needs-{seed}")
    by_band: dict[tuple[int, bool], tuple[str, ...]] = {}
    for band, any_need in tables.ANY_NEED.items():
        for disabled in (False, True):
            weights = tables.NEED_WEIGHTS_DISABLED if disabled else tables.NEED_WEIGHTS
            chance = min(0.95, any_need + (0.2 if disabled else 0.0))
            entries = []
            for _ in range(1 << 11):
                if rng.random() >= chance:
                    entries.append("")
                    continue
                wanted = rng.choice(tables.NEED_COUNT)
                chosen: set[str] = set()
                while len(chosen) < wanted:
                    chosen.add(rng.choices(tables.NEEDS, weights)[0])
                entries.append("、".join(need for need in tables.NEEDS if need in chosen))
            by_band[(band, disabled)] = tuple(entries)
    return by_band


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
    pool = tables.FEMALE_MODERN if female else tables.MALE_MODERN
    return (surname or tables.SURNAMES[rng.getrandbits(16)]) + pool[int(rng.random() * len(pool))]


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
        ethnic_tables[province] = tables.table(
            tables.ETHNIC_BY_PROVINCE.get(province, tables.ETHNIC_DEFAULT)
        )
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
    surnames = tables.SURNAMES
    mobiles = tables.MOBILE_PREFIXES
    slots, stride = _SEQUENCE_SLOTS, _SEQUENCE_STRIDE
    sequence_state: dict[tuple[str, int, int], int] = {}
    dates: dict[int, tuple[str, str]] = {}
    female_share = tables.FEMALE_SHARE
    band_of = tables.BAND_OF
    disability_rate = tables.DISABILITY_RATE
    family_planning = tables.FAMILY_PLANNING
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
        economy_table = tables.ECONOMY_URBAN if urban else tables.ECONOMY_RURAL
        living_table = tables.LIVING_URBAN if urban else tables.LIVING_RURAL
        insurance_table = tables.INSURANCE_URBAN if urban else tables.INSURANCE_RURAL

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
                pool = tables.UYGHUR_FEMALE if female else tables.UYGHUR_MALE
                name = f"{pool[int(rnd() * len(pool))]}·{tables.UYGHUR_MALE[int(rnd() * len(tables.UYGHUR_MALE))]}"
                surname = ""
            elif nation == "藏族":
                pool = tables.TIBETAN_FEMALE if female else tables.TIBETAN_MALE
                name = (
                    tables.TIBETAN_MALE[int(rnd() * len(tables.TIBETAN_MALE))]
                    + pool[int(rnd() * len(pool))]
                )
                surname = ""
            elif nation == "蒙古族" and rnd() < 0.5:
                pool = tables.MONGOL_FEMALE if female else tables.MONGOL_MALE
                name = pool[int(rnd() * len(pool))]
                surname = ""
            else:
                surname = "马" if nation == "回族" and rnd() < 0.4 else surnames[bits(16)]
                old = int(birth_compact[:4]) < old_year
                if rnd() < 0.12:
                    pool = tables.FEMALE_SINGLE if female else tables.MALE_SINGLE
                elif female:
                    pool = tables.FEMALE_OLD if old else tables.FEMALE_NEW
                else:
                    pool = tables.MALE_OLD if old else tables.MALE_NEW
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
                tables.LIVING_DESTITUTE[bits(12)]
                if economy == "特困供养"
                else living_table[bits(12)]
            )
            plan = family_planning[bits(14)]
            if plan == "失独" and living in ("与子女同住", "留守"):
                living = "空巢"
            disabled = rnd() < disability_rate[band]
            if disabled:
                disability, grade = (
                    tables.DISABILITY_TYPES[bits(12)],
                    tables.DISABILITY_GRADES[bits(12)],
                )
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
                    relation = tables.RELATION_BEREAVED[bits(12)]
                elif living in ("独居", "集中供养"):
                    relation = tables.RELATION_ALONE[bits(12)]
                else:
                    relation = tables.RELATION_DEFAULT[bits(12)]
                if relation == "子女":
                    same = bool(surname) and not female and rnd() < 0.9
                    contact = _modern_name(rng, rnd() < 0.5, surname if same else None)
                elif relation == "配偶":
                    pool = tables.MALE_NEW if female else tables.FEMALE_NEW
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
