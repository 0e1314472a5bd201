"""`eldercare generate-village-points REGION --centre LAT,LNG`: illustrative points for the
villages of a county or township that have none (demo, training, draft planning)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.planning.errors import PlanningDataError
from eldercare.planning.management.commands._importing import acting_user, add_actor_argument
from eldercare.planning.services import generate_village_points


def _centre(text: str) -> tuple[Decimal, Decimal]:
    try:
        latitude, longitude = (Decimal(part.strip()) for part in text.split(","))
    except (ValueError, InvalidOperation) as error:
        raise CommandError(f"中心点应为“纬度,经度”，如 26.42,111.61：{text}") from error
    return latitude, longitude


class Command(BaseCommand):
    help = (
        "为某县（市、区）或乡镇中还没有位置的村（社区）在给定中心周围生成示意位置（按乡镇聚集，"
        "结果固定可重现；来源记为“自动生成（示意）”，不是实测位置）。已有位置不会被改动。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("region", help="县（市、区）或乡镇的12位区划代码")
        parser.add_argument("--centre", required=True, help="中心点“纬度,经度”（WGS-84）")
        parser.add_argument("--spread-km", default="15", help="分布半径（公里），默认 15")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spread = Decimal(options["spread_km"])
        except InvalidOperation as error:
            raise CommandError(f"分布半径应为数字：{options['spread_km']}") from error
        try:
            outcome = generate_village_points(
                actor=acting_user(options["username"]),
                region_code=options["region"],
                centre=_centre(options["centre"]),
                spread_km=spread,
            )
        except (PermissionDenied, PlanningDataError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"村（社区）{outcome.rows} 个：生成示意位置 {outcome.created} 个，"
            f"保留已有位置 {outcome.unchanged} 个"
        )
