"""Settings for the test suite: the real settings plus a fast password hasher."""

import os

os.environ.setdefault("ELDERCARE_TESTING", "1")

from eldercare.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
