"""What can be imported through an ImportJob (page, API, worker): the screening sheet here, and
sheets of the apps built on the registry (e.g. paper assessments), named in settings.IMPORT_KINDS.

The registry must not import those apps, so each contributes an ImportKind object by dotted path.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from eldercare.accounts.access import Action
from eldercare.registry.importing.results import ImportResult


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str | Promise  # shown on the upload page: 导入{label}
    action: Action  # what the role must be allowed to do
    # run(path, *, actor, dry_run, valid_only, progress, on_total, file_name, **options)
    run: Callable[..., ImportResult]
    # Template name (shown on the page) → writer of the empty template to a path.
    templates: Mapping[str, Callable[[Path], None]]
    # Choices of the one option a kind may take (the assessment standard), value → label.
    option_name: str = ""
    option_label: str | Promise = ""
    option_choices: Mapping[str, str] = field(default_factory=dict)

    def options(self, value: str) -> dict[str, Any]:
        """The run's keyword options for the chosen option value ("" = none)."""
        if not self.option_name or not value:
            return {}
        if value not in self.option_choices:
            raise ValueError(f"{self.option_name} 应为 {'、'.join(self.option_choices)}")
        return {self.option_name: value}


@cache
def import_kinds() -> dict[str, ImportKind]:
    kinds = [import_string(path) for path in settings.IMPORT_KINDS]
    return {kind.key: kind for kind in kinds}


def import_kind(key: str) -> ImportKind:
    try:
        return import_kinds()[key]
    except KeyError as error:
        raise Http404("没有这种导入") from error


def _residents_kind() -> ImportKind:
    from django.utils.translation import gettext_lazy as _

    from eldercare.registry.importing.pipeline import import_residents
    from eldercare.registry.importing.report import write_template

    return ImportKind(
        key="residents",
        label=_("筛查摸底表"),
        action=Action.IMPORT_REGISTRY,
        run=import_residents,
        templates={"screening-template": write_template},
    )


RESIDENTS = _residents_kind()
