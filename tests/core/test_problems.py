import json
from typing import Any

import pytest
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from eldercare.core.api_problems import ProblemResponses, json_body, problems_response
from eldercare.core.problems import DataError, Problem, StateError, refuse_unknown_fields


class PetProblem(Problem):
    labels = {"name": "名字"}


def test_label_is_the_subclass_label_or_the_field_itself() -> None:
    assert PetProblem("name", "required", "必填").label == "名字"
    assert PetProblem("colour", "required", "必填").label == "colour"
    assert Problem("name", "required", "必填").label == "name"
    assert PetProblem("", "body_invalid", "请求体应为 JSON 对象").label == ""


def test_data_error_names_each_field_but_not_the_request_as_a_whole() -> None:
    problems = [
        PetProblem("name", "required", "必填"),
        PetProblem("", "body_invalid", "请求体应为 JSON 对象"),
        PetProblem("colour", "wrong_type", "应为字符串"),
    ]
    error = DataError(problems)
    assert error.problems is problems
    assert str(error) == "名字：必填；请求体应为 JSON 对象；colour：应为字符串"
    assert isinstance(error, ValueError)


def test_state_error_has_a_code_defaulting_to_state() -> None:
    assert StateError("已关闭").code == "state"
    refused = StateError("已有草稿", code="draft_exists")
    assert (str(refused), refused.code) == ("已有草稿", "draft_exists")


def test_unknown_fields_are_all_named_in_order() -> None:
    refuse_unknown_fields({"name": "x"}, ("name",))
    with pytest.raises(DataError) as caught:
        refuse_unknown_fields({"b": 1, "name": "x", "a": 2}, ("name",))
    assert [(p.field, p.code, p.message) for p in caught.value.problems] == [
        ("a", "field_unknown", "无法识别的字段：a"),
        ("b", "field_unknown", "无法识别的字段：b"),
    ]


def test_problems_response_with_and_without_labels() -> None:
    problems = [PetProblem("name", "required", "必填")]
    assert problems_response(problems).data == {
        "errors": [{"field": "name", "label": "名字", "code": "required", "message": "必填"}]
    }
    assert problems_response(problems).status_code == 400
    unlabelled = problems_response(problems, 409, labelled=False)
    assert unlabelled.status_code == 409
    assert unlabelled.data == {"errors": [{"field": "name", "code": "required", "message": "必填"}]}


def _post(body: str) -> Request:
    request = APIRequestFactory().post("/", body, content_type="application/json")
    return Request(request, parsers=[JSONParser()])


def test_json_body_returns_the_object() -> None:
    assert json_body(_post('{"name": "小白"}'), ("name", "age")) == {"name": "小白"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[1, 2]", [("", "body_invalid", "请求体应为 JSON 对象")]),
        (
            '{"name": "小白", "colour": "白"}',
            [("colour", "field_unknown", "无法识别的字段：colour")],
        ),
    ],
)
def test_json_body_refuses_what_is_not_an_object_of_allowed_fields(
    body: str, expected: list[tuple[str, str, str]]
) -> None:
    with pytest.raises(DataError) as caught:
        json_body(_post(body), ("name",))
    assert [(p.field, p.code, p.message) for p in caught.value.problems] == expected


class PetView(ProblemResponses):
    """Reads a pet, or raises `failure` when one is set."""

    authentication_classes = []
    permission_classes = []
    parser_classes = [JSONParser]
    failure: Exception | None = None

    def post(self, request: Request) -> Response:
        if self.failure is not None:
            raise self.failure
        return Response(json_body(request, ("name",)))


class UnlabelledPetView(PetView):
    labelled_problems = False


def _answer(view: type[PetView], body: str, **initkwargs: Any) -> tuple[int, Any]:
    request = APIRequestFactory().post("/", body, content_type="application/json")
    response = view.as_view(**initkwargs)(request)
    response.render()
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize(
    ("view", "body", "failure", "expected"),
    [
        (PetView, '{"name": "小白"}', None, (200, {"name": "小白"})),
        (
            PetView,
            '{"colour": "白"}',
            None,
            (
                400,
                {
                    "errors": [
                        {
                            "field": "colour",
                            "label": "colour",
                            "code": "field_unknown",
                            "message": "无法识别的字段：colour",
                        }
                    ]
                },
            ),
        ),
        (
            PetView,
            "{}",
            DataError([PetProblem("name", "required", "必填")]),
            (
                400,
                {
                    "errors": [
                        {"field": "name", "label": "名字", "code": "required", "message": "必填"}
                    ]
                },
            ),
        ),
        (
            UnlabelledPetView,
            "{}",
            DataError([PetProblem("name", "required", "必填")]),
            (400, {"errors": [{"field": "name", "code": "required", "message": "必填"}]}),
        ),
        (
            PetView,
            "{}",
            StateError("已领养", code="adopted"),
            (
                409,
                {"errors": [{"field": "", "label": "", "code": "adopted", "message": "已领养"}]},
            ),
        ),
        (PetView, "{}", NotFound("没有这只宠物"), (404, {"detail": "没有这只宠物"})),
    ],
)
def test_problem_responses_answer_each_error(
    view: type[PetView], body: str, failure: Exception | None, expected: tuple[int, Any]
) -> None:
    assert _answer(view, body, failure=failure) == expected


def test_a_body_that_is_not_json_is_body_invalid() -> None:
    status, data = _answer(PetView, "{name")
    [problem] = data["errors"]
    assert status == 400
    assert (problem["field"], problem["label"], problem["code"]) == ("", "", "body_invalid")
    assert problem["message"].startswith("JSON parse error")
