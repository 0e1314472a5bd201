"""This app's settings, each optional with a default (names listed in the decision record 0012)."""

import hashlib
import hmac

from django.conf import settings

from eldercare.alarms.rules.signing import DEFAULT_WINDOW_SECONDS


def master_key() -> bytes:
    """The key device and gateway secrets are derived from.

    ALARMS_DEVICE_MASTER_KEY should be set in production: derived from SECRET_KEY instead,
    rotating SECRET_KEY would silently invalidate every installed device.
    """
    configured = getattr(settings, "ALARMS_DEVICE_MASTER_KEY", "")
    if configured:
        return str(configured).encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"eldercare.alarms.device-keys", hashlib.sha256
    ).digest()


def signature_window() -> int:
    return int(getattr(settings, "ALARMS_SIGNATURE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


def offline_hours() -> int:
    return int(getattr(settings, "ALARMS_OFFLINE_HOURS", 24))


def sender_path() -> str:
    return str(
        getattr(
            settings,
            "ALARMS_NOTIFICATION_SENDER",
            "eldercare.alarms.senders.LoggingSender",
        )
    )


def webhook_url() -> str:
    return str(getattr(settings, "ALARMS_WEBHOOK_URL", ""))


def max_batch() -> int:
    return int(getattr(settings, "ALARMS_MAX_BATCH_EVENTS", 500))
