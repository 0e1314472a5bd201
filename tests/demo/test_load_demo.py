"""The demo of `scripts/demo`: four pilot localities, a login per role, residents, assessments."""

import io

import pytest
from django.core.management import call_command

from eldercare.accounts.models import User
from eldercare.assessment.models import Assessment, CurrentAssessment
from eldercare.entitlements.models import Transfer
from eldercare.regions.models import Region
from eldercare.registry.models import Resident

pytestmark = pytest.mark.django_db


def test_demo_loads_and_a_second_run_changes_nothing() -> None:
    call_command("load_demo", residents=80, stdout=io.StringIO())
    residents = Resident.objects.count()
    assessments = Assessment.objects.count()
    assert residents == 80
    assert Region.objects.filter(code__in=["431100000000", "520381000000"]).count() == 2
    assert User.objects.filter(username__in=["assessor", "assessor2", "admin"]).count() == 3
    assert assessments > 0
    assert CurrentAssessment.objects.count() == assessments
    credits = Transfer.objects.filter(cause="monthly_credit").count()
    assert credits > 0  # this month's subsidies were credited by the rules of each locality
    call_command("load_demo", residents=80, stdout=io.StringIO())
    assert (
        Resident.objects.count(),
        Assessment.objects.count(),
        Transfer.objects.filter(cause="monthly_credit").count(),
    ) == (residents, assessments, credits)
