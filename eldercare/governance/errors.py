"""The governance app's errors, with Chinese messages that name the field or the state."""

from eldercare.governance.rules.marked_yaml import DataFileError, FileProblem

__all__ = ["DataFileError", "FileProblem", "GovernanceError"]


class GovernanceError(ValueError):
    """A request the rules refuse: `field` names the form field ("" for the whole request)."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        self.code = code
        super().__init__(message)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": str(self)}
