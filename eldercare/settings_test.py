"""Settings for the test suite: the real settings plus a fast password hasher."""

import os

os.environ.setdefault("ELDERCARE_TESTING", "1")

from eldercare.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not :memory:, so that a real worker process started by a test sees the same database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-eldercare-{os.getpid()}.sqlite3")  # noqa: F405
    }
