from collections.abc import Callable
from pathlib import Path

from eldercare.governance.management.commands._loader import LoadCommand
from eldercare.governance.services.loading import (
    LoadSummary,
    load_scoring_sheets,
    shipped_scoring_sheets,
)


class Command(LoadCommand):
    help = (
        "载入考核表（YAML，格式见 docs/governance-data.md）。重复载入同一文件不会产生变化；细项分值"
        "合计超过项目分值时给出提示并随考核表保存；格式错误的文件不载入，并指出位置。"
    )
    noun = "考核表"

    def shipped(self) -> list[Path]:
        return shipped_scoring_sheets()

    def loader(self) -> Callable[..., LoadSummary]:
        return load_scoring_sheets
