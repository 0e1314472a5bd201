"""Every bad request is refused with a clear Chinese message and leaves the books untouched."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.entitlements import ledger
from eldercare.entitlements.models import Transfer
from tests.entitlements.conftest import (
    MEAL,
    MEAL_ITEM,
    NOVEMBER,
    NOVEMBER_END,
    SHANGHAI,
    Ledger,
    snapshot,
)

pytestmark = pytest.mark.django_db

Call = Callable[[Ledger], Any]


def credit(**change: Any) -> Call:
    def call(books: Ledger) -> Any:
        return ledger.credit_resident(
            **{
                "actor": books.admin,
                "resident": books.resident,
                "fund": books.county_fund,
                "amount_fen": 6_000,
                "month": NOVEMBER,
                "items": None,
                "expires_on": NOVEMBER_END,
                "reference": "credit:new",
                **{k: v(books) if callable(v) else v for k, v in change.items()},
            }
        )

    return call


def pay(**change: Any) -> Call:
    def call(books: Ledger) -> Any:
        return ledger.pay_from_credit(
            **{
                "actor": books.admin,
                "resident": books.resident,
                "amount_fen": 1_000,
                "item_code": MEAL_ITEM,
                "item_category": MEAL,
                "payee_account": books.provider,
                "reference": "pay:new",
                **{k: v(books) if callable(v) else v for k, v in change.items()},
            }
        )

    return call


def refund(**change: Any) -> Call:
    def call(books: Ledger) -> Any:
        return ledger.refund_payment(
            **{
                "actor": books.admin,
                "payment": Transfer.objects.get(reference="pay:seed"),
                "amount_fen": 500,
                "reference": "refund:new",
                "reason": "服务未完成",
                **{k: v(books) if callable(v) else v for k, v in change.items()},
            }
        )

    return call


def correct(**change: Any) -> Call:
    def call(books: Ledger) -> Any:
        return ledger.correct(
            **{
                "actor": books.admin,
                "approver": books.approver,
                "account": Transfer.objects.get(reference="credit:seed").payee,
                "amount_fen": 500,
                "reason": "少发",
                "reference": "fix:new",
                **{k: v(books) if callable(v) else v for k, v in change.items()},
            }
        )

    return call


def bulk(**change: Any) -> Call:
    def call(books: Ledger) -> Any:
        return ledger.credit_residents_bulk(
            **{
                "actor": books.admin,
                "fund": books.county_fund,
                "month": NOVEMBER,
                "credits": [(books.resident_2.pk, 6_000, None, NOVEMBER_END)],
                "reference_prefix": "bulk:2026-11:service",
                **{k: v(books) if callable(v) else v for k, v in change.items()},
            }
        )

    return call


def _user(name: str) -> Callable[[Ledger], Any]:
    return lambda books: books.world.user(name)


CASES: list[tuple[str, Call, type[Exception], str]] = [
    # amounts
    ("credit zero", credit(amount_fen=0), ledger.LedgerInputError, "金额：不能为零"),
    ("credit negative", credit(amount_fen=-100), ledger.LedgerInputError, "金额：必须大于零"),
    (
        "credit float",
        credit(amount_fen=60.0),
        ledger.LedgerInputError,
        "应为整数（单位：分），收到 float",
    ),
    ("credit decimal", credit(amount_fen=Decimal(60)), ledger.LedgerInputError, "收到 Decimal"),
    ("credit text", credit(amount_fen="6000"), ledger.LedgerInputError, "收到 str"),
    ("credit bool", credit(amount_fen=True), ledger.LedgerInputError, "收到 bool"),
    ("credit huge", credit(amount_fen=10**13), ledger.LedgerInputError, "金额过大"),
    ("pay zero", pay(amount_fen=0), ledger.LedgerInputError, "金额：不能为零"),
    ("pay negative", pay(amount_fen=-1), ledger.LedgerInputError, "必须大于零"),
    ("pay float", pay(amount_fen=10.5), ledger.LedgerInputError, "收到 float"),
    ("refund zero", refund(amount_fen=0), ledger.LedgerInputError, "金额：不能为零"),
    ("refund float", refund(amount_fen=5.0), ledger.LedgerInputError, "收到 float"),
    ("correct zero", correct(amount_fen=0), ledger.LedgerInputError, "金额：不能为零"),
    ("correct float", correct(amount_fen=-5.0), ledger.LedgerInputError, "收到 float"),
    # references and reasons
    ("credit no reference", credit(reference=""), ledger.LedgerInputError, "业务编号：不能为空"),
    (
        "credit blank reference",
        credit(reference="  "),
        ledger.LedgerInputError,
        "业务编号：不能为空",
    ),
    ("credit long reference", credit(reference="x" * 121), ledger.LedgerInputError, "最长 120"),
    ("refund no reason", refund(reason=" "), ledger.LedgerInputError, "事由：必须填写"),
    ("correct no reason", correct(reason=""), ledger.LedgerInputError, "事由：必须填写"),
    ("correct reason None", correct(reason=None), ledger.LedgerInputError, "事由：必须填写"),
    # items, dates, kinds
    ("credit empty items", credit(items=[]), ledger.LedgerInputError, "限用项目列表为空"),
    (
        "credit items text",
        credit(items="meal"),
        ledger.LedgerInputError,
        "应为服务项目编码或类别的列表",
    ),
    ("credit blank item", credit(items=["meal", ""]), ledger.LedgerInputError, "不能为空"),
    (
        "credit expired",
        credit(expires_on=date(2026, 11, 15)),
        ledger.LedgerInputError,
        "有效期 2026-11-15 已过",
    ),
    (
        "credit expiry before month",
        credit(month=date(2026, 12, 1), expires_on=NOVEMBER_END),
        ledger.LedgerInputError,
        "早于补贴月份 2026-12",
    ),
    ("credit month text", credit(month="2026-11"), ledger.LedgerInputError, "补贴月份：应为日期"),
    (
        "credit month datetime",
        credit(month=datetime(2026, 11, 1, tzinfo=SHANGHAI)),
        ledger.LedgerInputError,
        "应为日期",
    ),
    ("credit unknown kind", credit(kind="pension"), ledger.LedgerInputError, "无法识别的补贴类别"),
    ("credit wrong cause", credit(cause="refund"), ledger.LedgerInputError, "发放的原因只能是"),
    (
        "pay unknown item",
        pay(item_code="NO-SUCH", item_category=""),
        ledger.InsufficientCredit,
        "可用余额为 0.00 元",
    ),
    ("pay no item", pay(item_code=" "), ledger.LedgerInputError, "服务项目编码：不能为空"),
    ("pay too much", pay(amount_fen=6_001), ledger.InsufficientCredit, "本次需要 60.01 元"),
    # accounts
    (
        "credit from a provider",
        credit(fund=lambda b: b.provider),
        ledger.LedgerInputError,
        "是服务机构结算账户，此处应为资金来源",
    ),
    (
        "credit from another county's fund",
        credit(fund=lambda b: b.fund_b),
        ledger.LedgerInputError,
        "不覆盖该老人所在区划",
    ),
    (
        "pay to a fund",
        pay(payee_account=lambda b: b.county_fund),
        ledger.LedgerInputError,
        "此处应为服务机构结算账户",
    ),
    (
        "pay unsaved resident",
        pay(resident=lambda b: type(b.resident)()),
        ledger.LedgerInputError,
        "应为已登记的老年人",
    ),
    (
        "refund a credit",
        refund(payment=lambda b: Transfer.objects.get(reference="credit:seed")),
        ledger.LedgerStateError,
        "只能对服务订单支付退款",
    ),
    ("refund too much", refund(amount_fen=1_001), ledger.LedgerInputError, "超过可退金额 10.00 元"),
    (
        "correct against itself",
        correct(account=lambda b: b.provider, counter_account=lambda b: b.provider),
        ledger.LedgerInputError,
        "不能是被调账户本身",
    ),
    (
        "correct a fund with an expiry",
        correct(account=lambda b: b.county_fund, expires_on=NOVEMBER_END),
        ledger.LedgerInputError,
        "只有老年人账户的调增可设置有效期",
    ),
    (
        "correct downwards with terms",
        correct(amount_fen=-100, items=[MEAL]),
        ledger.LedgerInputError,
        "调减不设有效期和限用项目",
    ),
    (
        "correct with past expiry",
        correct(expires_on=date(2026, 11, 1)),
        ledger.LedgerInputError,
        "已过",
    ),
    # who
    (
        "self-approved correction",
        correct(approver=lambda b: b.admin),
        ledger.LedgerInputError,
        "不能自己审批",
    ),
    (
        "correction approver without the right",
        correct(approver=_user("township_worker")),
        PermissionDenied,
        "",
    ),
    (
        "correction by an auditor",
        correct(actor=_user("auditor"), approver=lambda b: b.admin),
        PermissionDenied,
        "",
    ),
    ("credit by a village worker", credit(actor=_user("village_worker")), PermissionDenied, ""),
    ("credit out of scope", credit(actor=_user("township_other")), PermissionDenied, ""),
    ("pay out of scope", pay(actor=_user("county_b_admin")), Http404, "记录不存在"),
    ("pay by a township worker", pay(actor=_user("township_worker")), PermissionDenied, ""),
    ("refund out of scope", refund(actor=_user("county_b_admin")), Http404, ""),
    ("correct out of scope", correct(approver=_user("county_b_admin")), Http404, ""),
    ("credit without actor", credit(actor=None), PermissionDenied, ""),
    ("pay by an unbound user", pay(actor=_user("unbound")), Http404, ""),
    ("pay by a user without a role", pay(actor=_user("no_role")), PermissionDenied, ""),
    # idempotency
    (
        "credit reference reused",
        credit(reference="credit:seed", amount_fen=100),
        ledger.ReferenceConflict,
        "金额",
    ),
    (
        "pay reference reused",
        pay(reference="pay:seed", amount_fen=999),
        ledger.ReferenceConflict,
        "金额",
    ),
    (
        "pay reference reused for another provider",
        pay(reference="pay:seed", payee_account=lambda b: b.provider_2),
        ledger.ReferenceConflict,
        "收款账户",
    ),
    ("refund reference reused", refund(reference="pay:seed"), ledger.ReferenceConflict, "原因"),
    # bulk
    (
        "bulk float",
        bulk(credits=lambda b: [(b.resident_2.pk, 60.0, None, NOVEMBER_END)]),
        ledger.LedgerInputError,
        "第 1 行",
    ),
    ("bulk bad row", bulk(credits=[(1, 2)]), ledger.LedgerInputError, "第 1 行应为"),
    (
        "bulk unknown resident",
        bulk(credits=[(999_999, 100, None, NOVEMBER_END)]),
        ledger.LedgerInputError,
        "老人不存在",
    ),
    (
        "bulk twice the same resident",
        bulk(credits=lambda b: [(b.resident_2.pk, 100, None, NOVEMBER_END)] * 2),
        ledger.LedgerInputError,
        "出现多次",
    ),
    (
        "bulk outside the fund",
        bulk(credits=lambda b: [(b.resident_b.pk, 100, None, NOVEMBER_END)]),
        ledger.LedgerInputError,
        "不覆盖",
    ),
    (
        "bulk expired",
        bulk(credits=lambda b: [(b.resident_2.pk, 100, None, date(2026, 11, 1))]),
        ledger.LedgerInputError,
        "已过",
    ),
    ("bulk no prefix", bulk(reference_prefix=""), ledger.LedgerInputError, "业务编号前缀"),
    ("bulk by a township worker", bulk(actor=_user("township_worker")), PermissionDenied, ""),
    (
        "bulk beyond the budget",
        bulk(credits=lambda b: [(b.resident_2.pk, 10_000_000, None, NOVEMBER_END)]),
        ledger.InsufficientBalance,
        "余额不足",
    ),
    (
        "expire a datetime",
        lambda b: ledger.expire_credit(on=datetime(2026, 11, 1, tzinfo=SHANGHAI)),
        ledger.LedgerInputError,
        "应为日期",
    ),
    (
        "expire in the future",
        lambda b: ledger.expire_credit(on=date(2026, 11, 17)),
        ledger.LedgerInputError,
        "不能提前核销",
    ),
    (
        "open a fund of unknown source",
        lambda b: ledger.open_fund(
            actor=b.admin, region_code=b.world.county_a, source="bank", name="x"
        ),
        ledger.LedgerInputError,
        "无法识别的资金来源类别",
    ),
    (
        "open a fund with a bad region",
        lambda b: ledger.open_fund(actor=b.admin, region_code="4311", source="donation", name="x"),
        ledger.LedgerInputError,
        "应为12位区划代码",
    ),
]


@pytest.fixture
def seeded(books: Ledger) -> Ledger:
    books.credit(amount_fen=6_000, items=[MEAL, "ZJ-001"], reference="credit:seed")
    books.pay(1_000, "pay:seed")
    return books


@pytest.mark.parametrize(("name", "call", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_request_is_refused_and_changes_nothing(
    seeded: Ledger, name: str, call: Call, error: type[Exception], message: str
) -> None:
    before = snapshot()
    with pytest.raises(error) as raised:
        call(seeded)
    assert message in str(raised.value)
    assert snapshot() == before


def test_an_expired_lot_cannot_be_corrected_into_or_paid_from(
    seeded: Ledger, clock: time_machine.Traveller
) -> None:
    clock.move_to(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
    before = snapshot()
    with pytest.raises(
        ledger.InsufficientCredit, match=r"其中 50\.00 元限用于其他服务项目或已过有效期"
    ):
        pay()(seeded)
    assert snapshot() == before
