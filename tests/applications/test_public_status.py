"""The public status page: no login, application number + last four ID characters, only status,
step and dates with a masked name; wrong digits reveal nothing; limited per address."""

import re
from typing import Any

import pytest
from django.test import Client

from eldercare.applications import services
from eldercare.applications.queries import public_status
from eldercare.applications.throttling import STATUS_LOOKUP_LIMIT
from tests.applications.builders import db_state, family_benefit
from tests.applications.conftest import People

pytestmark = pytest.mark.django_db
URL = "/applications/status/"


def same_page(html: str, number: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace(number, "N")


def lookup(client: Client, number: str, digits: str, address: str = "203.0.113.7") -> Any:
    return client.post(URL, {"number": number, "id_last_four": digits}, REMOTE_ADDR=address)


def test_the_status_is_shown_without_personal_data(people: People) -> None:
    application = services.submit_application(
        actor=people.village, resident=people.resident, data=family_benefit()
    )
    application = people.approve_through(application, people.village_reviewer)
    client = Client()
    assert client.get(URL).status_code == 200
    response = lookup(client, application.number, people.resident.id_number[-4:])
    assert response.status_code == 200
    page = response.content.decode()
    assert "王**" in page
    assert "审核中" in page
    assert "第 2/3 步 乡镇（街道）审核" in page
    assert "2025年10月10日" in page  # the township step, begun the same day
    for secret in (
        "王秀英",
        people.resident.id_number,
        people.resident.id_number[:6],
        "李明",
        "13800001111",
        application.reason,
        people.village.username,
    ):
        assert secret not in page


def test_the_public_result_has_only_status_fields(people: People) -> None:
    application = people.submit()
    result = public_status(f" {application.number} ", people.resident.id_number[-4:].lower())
    assert result is not None
    assert set(vars(result)) == {
        "number",
        "masked_name",
        "subject",
        "status",
        "status_label",
        "step",
        "step_count",
        "step_label",
        "submitted_on",
        "due_on",
        "is_due_provisional",
        "decided_on",
    }
    assert (result.masked_name, result.step, result.step_label) == ("王**", 1, "村（社区）初审")


def test_wrong_digits_reveal_nothing(people: People) -> None:
    application = people.submit()
    right = people.resident.id_number[-4:]
    wrong = "0000" if right != "0000" else "1111"
    client = Client()
    refused = lookup(client, application.number, wrong)
    unknown_number = (
        "20250926000000" if application.number != "20250926000000" else "20250926000001"
    )
    unknown = lookup(client, unknown_number, right)
    malformed = lookup(client, "abc", "12")
    for response in (refused, unknown, malformed):
        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="not-found"' in page
        assert 'data-testid="public-status"' not in page
        for leak in ("王", "审核中", "已提交", "护理补贴", "村（社区）初审"):
            assert leak not in page.split("<main>")[1]
    # Not found and wrong digits are the same page apart from the number typed in (and the
    # per-response CSRF mask).
    assert same_page(refused.content.decode(), application.number) == same_page(
        unknown.content.decode(), unknown_number
    )
    assert public_status(application.number, wrong) is None


def test_lookups_are_limited_per_address_and_change_nothing(people: People) -> None:
    application = people.submit()
    right = people.resident.id_number[-4:]
    client = Client()
    before = db_state()
    for _ in range(STATUS_LOOKUP_LIMIT):
        assert lookup(client, application.number, "0000").status_code == 200
    throttled = lookup(client, application.number, right)
    assert throttled.status_code == 429
    assert 'data-testid="public-status"' not in throttled.content.decode()
    # Another address still gets its answer.
    assert (
        'data-testid="public-status"'
        in lookup(client, application.number, right, address="198.51.100.9").content.decode()
    )
    assert db_state() == before
