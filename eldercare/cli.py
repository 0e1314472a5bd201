"""The `eldercare` command: every management command of the platform, e.g. `eldercare import-residents`."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eldercare.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    # Commands are spelled with dashes on the command line (import-residents) and
    # with underscores as Django modules (import_residents).
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)
    return 0
