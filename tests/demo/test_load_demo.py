"""The demo of `scripts/demo`: four pilot localities, a login per role, residents, assessments."""

import io

import pytest
from django.core.management import call_command

from eldercare.accounts.models import User
from eldercare.alarms.models import Alarm, Device
from eldercare.assessment.models import Assessment, CurrentAssessment
from eldercare.carevisits.models import CareAgreement, CareContact
from eldercare.dashboards.models import Refresh
from eldercare.entitlements.models import Transfer
from eldercare.funds.models import Expenditure
from eldercare.orders.models import Order
from eldercare.planning.models import VillagePoint
from eldercare.providers.models import Facility, Provider, StaffMember
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
    shown = (Provider, Facility, StaffMember, VillagePoint, Order, Device, Alarm, Expenditure)
    # Care agreements go to the key elderly of the demo village: a small demo may have none.
    domain = (*shown, CareAgreement, CareContact)
    counts = {model.__name__: model.objects.count() for model in domain}
    assert all(counts[model.__name__] for model in shown), str(counts)
    assert StaffMember.objects.filter(user__username__in=["provider", "caregiver"]).count() == 2
    assert Refresh.objects.exists()
    call_command("load_demo", residents=80, stdout=io.StringIO())
    assert (
        Resident.objects.count(),
        Assessment.objects.count(),
        Transfer.objects.filter(cause="monthly_credit").count(),
    ) == (residents, assessments, credits)
    assert {model.__name__: model.objects.count() for model in domain} == counts
