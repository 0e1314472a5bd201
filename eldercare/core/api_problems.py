"""The API's answer to bad input: `{"errors": [{"field", "label", "code", "message"}, ...]}`.

A viewset that mixes in `ProblemResponses` answers a `DataError` with 400, a `StateError` with 409
and a body that is not JSON with 400 `body_invalid`; `json_body` reads a request's JSON object and
refuses the keys an action does not take, rather than silently dropping them.
"""

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.status import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from rest_framework.views import APIView

from eldercare.core.problems import DataError, Problem, StateError, refuse_unknown_fields


def problems_response(
    problems: Iterable[Problem], status: int = HTTP_400_BAD_REQUEST, *, labelled: bool = True
) -> Response:
    """The problems as the API's error body; `labelled=False` leaves out each field's label."""
    return Response(
        {
            "errors": [
                {"field": p.field, "label": p.label, "code": p.code, "message": p.message}
                if labelled
                else {"field": p.field, "code": p.code, "message": p.message}
                for p in problems
            ]
        },
        status=status,
    )


def json_body(request: Request, allowed: Collection[str]) -> dict[str, Any]:
    """The request's JSON object, holding no key outside `allowed`."""
    body = request.data
    if not isinstance(body, Mapping):
        raise DataError([Problem("", "body_invalid", "请求体应为 JSON 对象")])
    refuse_unknown_fields(body, allowed)
    return dict(body)


class ProblemResponses(APIView):
    """Answers the errors of core.problems (from any app) and unparsable bodies as problem lists.

    Mix in before the viewset class; a view with errors of its own handles them first and calls
    super() for the rest.
    """

    # False for the APIs whose published error shape has no label (catalogue, registry).
    labelled_problems = True

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DataError):
            return self.problems_response(exc.problems)
        if isinstance(exc, StateError):
            return self.problems_response([Problem("", exc.code, str(exc))], HTTP_409_CONFLICT)
        if isinstance(exc, ParseError):
            return self.problems_response([Problem("", "body_invalid", str(exc.detail))])
        return super().handle_exception(exc)

    def problems_response(
        self, problems: Iterable[Problem], status: int = HTTP_400_BAD_REQUEST
    ) -> Response:
        return problems_response(problems, status, labelled=self.labelled_problems)
