"""What a page tells its user after a refused form or request: one message per problem.

Pages of every app show a service's `DataError` problem by problem, any other refusal (a
`StateError`, a limit) as its text, and a Django form's errors field by field with the field's
label, so the user reads the same "字段：原因" everywhere.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from eldercare.core.problems import DataError


def show_error(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, DataError):
        for problem in error.problems:
            messages.error(request, str(problem))
    else:
        messages.error(request, str(error))


def show_form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
