"""Errors of the dashboard, with Chinese messages that say what happened."""


class DashboardError(Exception):
    """A dashboard operation that cannot be done in the current state."""


class RefreshStateError(DashboardError):
    """A refresh asked to finish that is no longer running."""

    def __init__(self, refresh_id: int, status: str) -> None:
        super().__init__(f"看板统计 {refresh_id} 当前状态为“{status}”，不能再写入结果")
