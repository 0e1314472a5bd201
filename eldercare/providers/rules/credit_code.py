"""Unified social credit codes (统一社会信用代码) per GB 32100-2015, with the organisation code
part per GB 11714-1997. Pure, no Django.

A code is 18 characters from a 31-character set (digits and capitals without I, O, Z, S, V):
registration authority (1) + organisation type (1) + region code of the registering
authority (6) + organisation code (9, with its own GB 11714 check character) + check character
(1, weights 3^(i-1) mod 31). Each failed rule raises `CreditCodeError` naming the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALPHABET",
    "AUTHORITIES",
    "CreditCode",
    "CreditCodeError",
    "check_character",
    "kind_conflict",
    "organisation_check_character",
    "parse_credit_code",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

# GB 32100-2015 table 1: registration authorities and the organisation types each may issue.
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

# The provider kinds (providers.models.ProviderKind values) each authority registers. Only the
# three authorities that register care providers are bound; any other authority is a conflict.
KIND_AUTHORITY = {"enterprise": "9", "social_organisation": "5", "public_institution": "1"}
_KIND_NAMES = {
    "enterprise": "企业",
    "social_organisation": "社会组织",
    "public_institution": "事业单位",
}


class CreditCodeError(ValueError):
    """A code breaking a rule; ``code`` is stable for programs, ``message`` says which rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CreditCode:
    code: str
    authority: str
    authority_name: str
    organisation_type: str
    organisation_type_name: str
    region_code: str
    organisation_code: str


def check_character(first17: str) -> str:
    """The 18th character: 31 - (Σ value × 3^(i-1) mod 31), where 31 becomes 0."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(char: str) -> int:
    # GB 11714: digits are their value, letters A–Z are 10–35.
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def organisation_check_character(body8: str) -> str:
    """GB 11714's check: 11 - (Σ value × weight mod 11); 10 is "X", 11 is "0"."""
    remainder = 11 - sum(_org_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _normalise(value: object) -> str:
    text = "" if value is None else str(value)
    # Full-width characters and spaces come in from pasted documents.
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return "".join(text.split()).upper()


def parse_credit_code(value: object) -> CreditCode:
    """Validate every rule of GB 32100 in order and decode the parts of the code."""
    text = _normalise(value)
    if len(text) != LENGTH:
        raise CreditCodeError("length", f"统一社会信用代码应为 18 位，实际为 {len(text)} 位")
    bad = sorted({c for c in text if c not in _VALUE})
    if bad:
        raise CreditCodeError(
            "chars",
            f"统一社会信用代码含有不允许的字符：{''.join(bad)}（只允许数字和除 I、O、Z、S、V 外的大写字母）",
        )
    authority = AUTHORITIES.get(text[0])
    if authority is None:
        raise CreditCodeError("authority", f"第 1 位登记管理部门代码“{text[0]}”不存在")
    authority_name, types = authority
    if text[1] not in types:
        raise CreditCodeError(
            "organisation_type",
            f"第 2 位机构类别代码“{text[1]}”不属于登记管理部门“{authority_name}”",
        )
    region = text[2:8]
    if not region.isdigit():
        raise CreditCodeError("region", f"第 3–8 位登记管理机关行政区划码应为 6 位数字：{region}")
    organisation = text[8:17]
    expected_org = organisation_check_character(organisation[:8])
    if organisation[8] != expected_org:
        raise CreditCodeError(
            "organisation_check",
            f"第 9–17 位组织机构代码的校验码错误：应为 {expected_org}，实际为 {organisation[8]}",
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        raise CreditCodeError("check", f"第 18 位校验码错误：应为 {expected}，实际为 {text[17]}")
    return CreditCode(
        code=text,
        authority=text[0],
        authority_name=authority_name,
        organisation_type=text[1],
        organisation_type_name=types[text[1]],
        region_code=region,
        organisation_code=organisation,
    )


def kind_conflict(code: CreditCode, kind: str) -> str | None:
    """Why `kind` cannot hold this code (a sentence), or None when they agree.

    An enterprise is registered by 工商 (9), a social organisation by 民政 (5), a public
    institution by 机构编制 (1); a code from another authority cannot belong to any of them.
    """
    expected = KIND_AUTHORITY.get(kind)
    if expected is None or code.authority == expected:
        return None
    return (
        f"机构类型为“{_KIND_NAMES[kind]}”，应由“{AUTHORITIES[expected][0]}”登记（代码第 1 位为 "
        f"{expected}），而该代码由“{code.authority_name}”登记"
    )
