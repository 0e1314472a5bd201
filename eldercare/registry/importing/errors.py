"""The one error that stops an import before any row is looked at."""


class FileImportError(Exception):
    """The file itself cannot be imported (format, encoding, header); exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
