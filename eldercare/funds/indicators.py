"""Governance indicators computed from the fund books (settings.DOMAIN_INDICATORS); once here they
are no longer entered by hand."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from eldercare.core.money import format_fen
from eldercare.funds.execution import lottery_share, progress
from eldercare.funds.models import FundKind
from eldercare.governance.rules.scoring import IndicatorValue

SOURCE = "funds"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def fund_execution_rate(region_code: str, on: date) -> IndicatorValue:
    """中央财政补助资金执行进度 of the region's subtree on `on`.

    Population: central pilot subsidy (FundKind.CENTRAL) placed with the region — sources held in
    its subtree plus allocations into the subtree from sources held above it (execution.progress).
    Denominator: that amount, counting sources received and allocations made on or before `on`.
    Numerator: expenditures of allocations in the subtree dated on or before `on`.
    Reversals count on the original's date, so corrected entries count as corrected.
    Value: numerator / denominator to 4 places, None when nothing was received.
    Numerator and denominator are reported in yuan.
    """
    found = progress(region_code, on, [FundKind.CENTRAL])
    return IndicatorValue(
        "fund_execution_rate",
        on,
        found.rate,
        _yuan(found.spent_fen),
        _yuan(found.received_fen),
        SOURCE,
        f"中央财政补助资金到位 {format_fen(found.received_fen, grouped=True)} 元，"
        f"已支出 {format_fen(found.spent_fen, grouped=True)} 元",
    )


def lottery_fund_elderly_share(region_code: str, on: date) -> IndicatorValue:
    """本级福彩公益金用于养老服务的比例 of the region's subtree on `on`.

    Population: lottery welfare fund sources (FundKind.LOTTERY) held in the subtree — what each
    level retains — received on or before `on`, over all years (the pilot period as a whole).
    Denominator: their amount. Numerator: the allocations of those sources whose use is elderly
    care (FundUse.ELDERLY_CARE), made on or before `on`: money arranged for elderly care, spent or
    not. Lottery money allocated down from above the region is the upper level's and not counted.
    Value: numerator / denominator to 4 places, None when no lottery funds are held.
    """
    found = lottery_share(region_code, on)
    return IndicatorValue(
        "lottery_fund_elderly_share",
        on,
        found.value,
        _yuan(found.elderly_care_fen),
        _yuan(found.retained_fen),
        SOURCE,
        f"留存福彩公益金 {format_fen(found.retained_fen, grouped=True)} 元，"
        f"安排用于养老服务 {format_fen(found.elderly_care_fen, grouped=True)} 元",
    )


INDICATORS: dict[str, Callable[[str, date], IndicatorValue]] = {
    "fund_execution_rate": fund_execution_rate,
    "lottery_fund_elderly_share": lottery_fund_elderly_share,
}
