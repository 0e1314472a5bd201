"""`eldercare import-village-points PATH`: village (community) coordinates from a file."""

from eldercare.planning.management.commands._importing import ImportCommand
from eldercare.planning.services import import_village_points


class Command(ImportCommand):
    help = (
        "导入村（社区）位置（列：区划代码、纬度、经度，选填村（社区）名称、户数、来源）。任何一行"
        "有错误则整份文件不导入。退出码：0 已导入（预检时为可以导入），1 有错误行，2 文件无法读取。"
    )
    importer = staticmethod(import_village_points)
