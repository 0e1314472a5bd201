"""The distributions the synthetic residents are drawn from (names, ages, categories, phones).

Every weighted choice is precomputed into a lookup table of 2**k entries, drawn with
``getrandbits(k)`` (see synthetic.py). Rates are in the range the civil-affairs statistics show.
"""

from __future__ import annotations

from collections.abc import Sequence

# --- weighted lookup tables --------------------------------------------------------------------


def table(pairs: Sequence[tuple[str, float]], bits: int = 12) -> tuple[str, ...]:
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


def split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Surnames with frequencies (per mille, 2020 census order of magnitude). Includes compound
# surnames and heteronyms whose surname reading differs from the common one (曾 单 解 仇 区 查).
SURNAME_WEIGHTS = """
王 71 李 70 张 68 刘 54 陈 46 杨 31 黄 24 赵 23 吴 21 周 21 徐 16 孙 15 马 15 朱 14 胡 13
郭 12 何 12 林 11 高 11 罗 11 郑 10 梁 10 谢 8 宋 8 唐 8 许 7 韩 7 冯 7 邓 7 曹 7 彭 6 曾 6
肖 6 田 5 董 5 袁 5 潘 5 于 5 蒋 5 蔡 5 余 5 杜 5 叶 4 程 4 苏 4 魏 4 吕 4 丁 4 任 4 沈 4
姚 4 卢 4 姜 4 崔 3 钟 3 谭 3 陆 3 汪 3 范 3 金 3 石 3 廖 3 贾 3 夏 3 韦 3 付 3 方 3 白 2
邹 2 孟 2 熊 2 秦 2 邱 2 江 2 尹 2 薛 2 段 2 雷 2 侯 2 龙 2 史 2 陶 2 黎 2 贺 2 顾 2 毛 2
郝 2 龚 2 邵 2 万 2 覃 1 武 2 单 0.5 解 0.5 仇 0.3 区 0.2 查 0.3 欧阳 0.5 上官 0.1 司马 0.1
"""
SURNAMES = table(
    [
        (name, float(weight))
        for name, weight in zip(*[iter(SURNAME_WEIGHTS.split())] * 2, strict=True)
    ],
    bits=16,
)

# Given names typical of people born before 1950 and in 1950–1966, by sex.
FEMALE_OLD = split(
    "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉珍 玉英 兰英 淑珍 淑兰 淑英 秀云 桂珍 凤兰 玉梅 "
    "秀梅 素珍 素英 翠兰 翠英 金凤 凤珍 秀芳 桂芳 玉芳 淑华 秀华 桂花 菊花 兰芳 月英 月娥 "
    "巧云 彩云 秀荣 桂荣 玉华 玉莲 秀莲 金花 银花 春花 秋菊 冬梅 腊梅 招弟 来弟 满姑 细妹 "
    "淑贞 淑芬 桂香 玉香 秀清 凤仙 玉秀"
)
FEMALE_NEW = split(
    "秀英 桂英 秀兰 玉兰 红梅 秀红 卫红 红英 建英 爱华 爱英 爱兰 桂兰 国英 玉华 丽华 淑芬 "
    "素芬 亚平 建平 春花 艳华 美华 小英 小红 秀琴 玉琴 桂芝 淑琴 凤琴 淑霞 秀霞 文华 桂芬 "
    "秀芬 金兰 新华 春兰 春梅 冬梅 红霞 素华 秀梅 玉珍 淑珍 凤英"
)
FEMALE_SINGLE = split("英 兰 珍 梅 莲 凤 菊 娥 秀 华 芳 琴 霞 萍 红 敏 云")
MALE_OLD = split(
    "德明 德胜 德华 德才 德福 福生 福海 福田 福贵 永福 永贵 永祥 长生 长林 根生 金生 宝山 "
    "玉林 玉堂 树林 荣华 振华 志成 志明 文华 文明 明德 世明 世华 国强 国栋 有才 有福 有财 "
    "春生 秋生 冬生 水生 天佑 占山 汉章 炳坤 炳南 庆余 书田 学文 绍先 家祥 正清 少华"
)
MALE_NEW = split(
    "建国 国华 国庆 建华 建军 建平 建明 援朝 卫国 卫东 卫民 红军 跃进 胜利 新民 解放 和平 "
    "志强 志刚 振国 立新 向阳 东升 永红 光明 为民 国平 国忠 国良 国安 建设 建新 建林 伟民 "
    "爱国 爱民 新华 庆丰 丰收 铁军 保国 超英 德明 志明 志华 永福 长生"
)
MALE_SINGLE = split("福 贵 生 山 林 才 明 德 荣 富 军 强 刚 勇 斌 华 平 伟 忠 兵")
# Children, grid workers and screeners (born 1960–1995).
MALE_MODERN = split(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 建军 建华 海涛 "
    "志勇 志刚 文斌 晓东 小军 国平 海波 海军 建平 春雷 红兵 俊杰 志伟 明亮 永强 宏伟 德华"
)
FEMALE_MODERN = split(
    "芳 娟 敏 静 丽 艳 娜 霞 燕 玲 红 萍 莉 丹 婷 慧 琳 晶 晓燕 海燕 丽娟 红霞 春梅 小红 "
    "桂芳 秀梅 丽华 玉梅 艳红 丽萍 海霞 晓丽 雪梅 美玲 春燕 晓红 小燕 丽丽 婷婷"
)

# Names of peoples that do not use a Chinese surname.
UYGHUR_MALE = split(
    "买买提 艾力 阿不都 吐尔逊 艾买提 阿布都拉 依明 肉孜 阿木提 卡德尔 热合曼 吾守尔"
)
UYGHUR_FEMALE = split("阿依古丽 古丽努尔 帕提古丽 热依拉 阿米娜 佐热古丽 阿依夏 努尔尼沙 玛依拉")
TIBETAN_MALE = split("扎西 次仁 多吉 顿珠 平措 旺堆 尼玛 达瓦 贡布 洛桑")
TIBETAN_FEMALE = split("卓玛 央金 拉姆 德吉 曲珍 次仁 尼玛 普布 白玛 央宗")
MONGOL_MALE = split("巴特尔 宝音 额尔敦 朝鲁 那顺 苏和 孟和 巴图 格日勒图 阿拉坦")
MONGOL_FEMALE = split("其其格 萨仁 乌兰 斯琴 高娃 娜仁 图雅 托娅 其木格 乌云")

# Ethnic mix by province (first two digits of the code); elsewhere the national default.
ETHNIC_DEFAULT = (("汉族", 97.5), ("回族", 1.0), ("满族", 0.6), ("苗族", 0.5), ("土家族", 0.4))
ETHNIC_BY_PROVINCE: dict[str, tuple[tuple[str, float], ...]] = {
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
AREA_BY_CITY = {"4311": "0746", "5203": "0851", "6204": "0943", "3207": "0518"}
AREA_BY_PROVINCE = {
    "11": "010", "12": "022", "13": "0311", "14": "0351", "15": "0471", "21": "024",
    "22": "0431", "23": "0451", "31": "021", "32": "025", "33": "0571", "34": "0551",
    "35": "0591", "36": "0791", "37": "0531", "41": "0371", "42": "027", "43": "0731",
    "44": "020", "45": "0771", "46": "0898", "50": "023", "51": "028", "52": "0851",
    "53": "0871", "54": "0891", "61": "029", "62": "0931", "63": "0971", "64": "0951",
    "65": "0991",
}  # fmt: skip
MOBILE_PREFIXES = table(
    [(str(p), 3.0) for p in range(130, 140)]
    + [(str(p), 2.5) for p in (150, 151, 152, 153, 155, 156, 157, 158, 159)]
    + [(str(p), 2.0) for p in range(180, 190)]
    + [(str(p), 1.0) for p in (133, 166, 173, 177, 178, 191, 198, 199)]
)

# Age pyramid: share of each ten-year band, then a decline within the band.
AGE_BANDS = ((60, 69, 55.0, 0.97), (70, 79, 30.0, 0.93), (80, 89, 13.0, 0.85), (90, 105, 2.0, 0.8))
# P(female) by band: women outlive men.
FEMALE_SHARE = {60: 0.505, 70: 0.53, 80: 0.58, 90: 0.68}
BAND_OF = {age: start for start, end, _, _ in AGE_BANDS for age in range(start, end + 1)}

# Economic status, living arrangement, insurance.
ECONOMY_RURAL = table(
    [("特困供养", 2), ("低保", 6), ("低保边缘", 2), ("脱贫/建档立卡", 5), ("一般", 85)]
)
ECONOMY_URBAN = table(
    [("特困供养", 2), ("低保", 6), ("低保边缘", 2), ("脱贫/建档立卡", 1), ("一般", 89)]
)
# Destitute people are either supported in an institution (集中) or at home (分散).
LIVING_DESTITUTE = table([("集中供养", 50), ("独居", 35), ("其他", 10), ("与其他亲属同住", 5)])
LIVING_RURAL = table(
    [
        ("独居", 9.5),
        ("空巢", 25),
        ("留守", 8.2),
        ("与子女同住", 46),
        ("与其他亲属同住", 4),
        ("其他", 7.3),
    ]
)
LIVING_URBAN = table(
    [("独居", 9.5), ("空巢", 28), ("与子女同住", 50), ("与其他亲属同住", 4), ("其他", 8.5)]
)
INSURANCE_RURAL = table([("城乡居民", 75), ("城镇职工", 20), ("其他", 3), ("无", 2)])
INSURANCE_URBAN = table([("城乡居民", 50), ("城镇职工", 45), ("其他", 3), ("无", 2)])
FAMILY_PLANNING = table([("无", 99.2), ("失独", 0.5), ("伤残", 0.3)], bits=14)

# Disability: rate by band, type and grade (grade 4 is the mildest and most common).
DISABILITY_RATE = {60: 0.04, 70: 0.07, 80: 0.11, 90: 0.18}
DISABILITY_TYPES = table(
    [("肢体", 40), ("视力", 18), ("听力", 20), ("言语", 2), ("智力", 4), ("精神", 6), ("多重", 10)]
)
DISABILITY_GRADES = table([("一级", 10), ("二级", 20), ("三级", 30), ("四级", 40)])

# Emergency contacts.
RELATION_DEFAULT = table([("子女", 65), ("配偶", 15), ("其他亲属", 8), ("邻居", 5), ("网格员", 7)])
RELATION_ALONE = table([("子女", 60), ("其他亲属", 15), ("邻居", 10), ("网格员", 15)])
RELATION_BEREAVED = table([("配偶", 40), ("其他亲属", 30), ("邻居", 10), ("网格员", 20)])

# Service needs (order of the basic list); probabilities rise with age and disability.
NEEDS = ("助餐", "助浴", "助洁", "助医", "助行", "助急", "康复护理", "精神慰藉")
NEED_WEIGHTS = (20, 4, 15, 30, 6, 10, 3, 12)
NEED_WEIGHTS_DISABLED = (15, 8, 12, 25, 15, 10, 15, 10)
ANY_NEED = {60: 0.35, 70: 0.5, 80: 0.7, 90: 0.85}
NEED_COUNT = (1, 1, 1, 1, 1, 2, 2, 2, 3, 4)
