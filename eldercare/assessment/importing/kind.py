"""Paper assessments as an ImportJob kind: the registry's import page, API and worker run them."""

from functools import partial

from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.assessment.importing.pipeline import import_assessments
from eldercare.assessment.importing.template import write_template
from eldercare.assessment.scoring import GBT42195, MZT039, STANDARD_NAMES
from eldercare.registry.importing.kinds import ImportKind

ASSESSMENTS = ImportKind(
    key="assessments",
    label=_("能力评估结果"),
    action=Action.IMPORT_ASSESSMENTS,
    run=import_assessments,
    templates={
        f"assessment-template-{standard}": partial(write_template, standard)
        for standard in (GBT42195, MZT039)
    },
    option_name="standard",
    option_label=_("评估标准（文件中未注明时）"),
    option_choices={standard: STANDARD_NAMES[standard] for standard in (GBT42195, MZT039)},
)
