"""`eldercare import-residential-areas PATH`: residential areas and their service floor area."""

from eldercare.planning.management.commands._importing import ImportCommand
from eldercare.planning.services import import_residential_areas


class Command(ImportCommand):
    help = (
        "导入居住小区（列：区划代码、小区名称、类型、户数、养老服务用房面积（平方米），选填备注）。"
        "任何一行有错误则整份文件不导入。退出码：0 已导入，1 有错误行，2 文件无法读取。"
    )
    importer = staticmethod(import_residential_areas)
