from collections.abc import Callable
from pathlib import Path

from eldercare.governance.management.commands._loader import LoadCommand
from eldercare.governance.services.loading import LoadSummary, load_task_lists, shipped_task_lists


class Command(LoadCommand):
    help = (
        "载入任务清单和工作要求表（YAML，格式见 docs/governance-data.md）。重复载入同一文件不会产生"
        "变化；格式错误的文件不载入，并指出文件、行、列和键的位置。"
    )
    noun = "任务清单"

    def shipped(self) -> list[Path]:
        return shipped_task_lists()

    def loader(self) -> Callable[..., LoadSummary]:
        return load_task_lists
