"""Where the fetched national division list lives, and the pilot localities of the seeds."""

from pathlib import Path

from django.conf import settings

CHINA_DIVISION_VERSION = "2.7.0"
CHINA_DIVISION_DATASET = (
    f"china-division {CHINA_DIVISION_VERSION}（国家统计局 2023 年统计用区划代码）"
)
# The NBS 2023 list is as of 2023-06-30.
CHINA_DIVISION_VALID_FROM = "2023-06-30"

# The four pilot localities of the seed documents.
PILOT_LOCALITIES = {
    "431100000000": "永州市",
    "520381000000": "赤水市",
    "620422000000": "会宁县",
    "320700000000": "连云港市",
}


def china_division_directory() -> Path:
    return Path(settings.VAR_DIR) / "datasets" / f"china-division-{CHINA_DIVISION_VERSION}"
