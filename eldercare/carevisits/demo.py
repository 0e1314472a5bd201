"""Demo data: agreements for the key elderly of the demo village worker's village and two weeks
of contacts through the services (the last complete week and the running one), some residents
meeting the weekly rule and some not. Idempotent: agreements are signed once per resident and
every contact has a fixed idempotency key, so a second run stores nothing new."""

from datetime import datetime, time, timedelta
from typing import Any, TextIO

from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.carevisits import services
from eldercare.carevisits.models import AgreementStatus, CareAgreement
from eldercare.carevisits.rules.compliance import TZ, Week, last_complete_week
from eldercare.carevisits.services.statistics import key_elderly

AGREEMENTS = 9
# (weekday 0 = Monday, hour, kind) per pattern: met; calls only; all on one day.
PATTERNS: tuple[tuple[tuple[int, int, str], ...], ...] = (
    ((0, 10, "home_visit"), (2, 19, "phone_call"), (4, 19, "phone_call")),
    ((1, 19, "phone_call"), (3, 19, "phone_call")),
    ((2, 9, "home_visit"), (2, 12, "phone_call"), (2, 18, "video_call")),
)


def load_demo_care_visits(stdout: TextIO) -> None:
    village = User.objects.filter(username="village").first()
    township = User.objects.filter(username="township").first()
    if village is None or township is None:
        stdout.write("关爱探访：缺少演示账户 village / township，跳过")
        return
    today = services.today_local()
    first_week = last_complete_week(today)
    signed = _sign(village, township, first_week, today)
    logged = 0
    agreements = CareAgreement.objects.filter(
        status=AgreementStatus.ACTIVE, visitors__user=village
    ).select_related("resident")
    for index, agreement in enumerate(agreements.order_by("resident_id")):
        for week in (first_week, first_week.shifted(1)):
            logged += _log_week(village, agreement, week, PATTERNS[index % len(PATTERNS)])
    stdout.write(f"关爱探访：新签协议 {signed} 份，新增探访记录 {logged} 条")


def _sign(village: User, township: User, first_week: Week, today: Any) -> int:
    candidates = key_elderly(village.region_code, today).order_by("pk")[:AGREEMENTS]
    signed = 0
    for resident in candidates:
        if CareAgreement.objects.filter(resident=resident, status=AgreementStatus.ACTIVE).exists():
            continue
        services.sign_agreement(
            actor=township,
            resident=resident,
            visitors=[{"kind": "grid_worker", "user": village.pk}],
            starts_on=first_week.monday - timedelta(weeks=2),
        )
        signed += 1
    return signed


def _log_week(
    village: User,
    agreement: CareAgreement,
    week: Week,
    pattern: tuple[tuple[int, int, str], ...],
) -> int:
    now = timezone.now()
    created_count = 0
    for weekday, hour, kind in pattern:
        when = datetime.combine(week.monday + timedelta(days=weekday), time(hour), tzinfo=TZ)
        if when > now:
            continue
        _, created = services.log_contact(
            actor=village,
            resident=agreement.resident,
            kind=kind,
            occurred_at=when,
            idempotency_key=f"demo-{agreement.pk}-{week.label}-{weekday}-{hour}",
            findings="精神状态良好" if kind == "home_visit" else "",
        )
        created_count += created
    return created_count
