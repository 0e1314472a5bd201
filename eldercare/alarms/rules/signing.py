"""Device and gateway authentication: HMAC-SHA256 over "<timestamp>." + body, with a time window.

Secrets are derived, not stored: secret = HMAC(master key, "<purpose>:<vendor>:<serial>:<version>").
The server can recompute any secret to verify a signature, a database dump reveals none, and a
device's secret is replaced by raising its key version (docs/decisions/0012-emergency-calls.md).
"""

import hashlib
import hmac
from dataclasses import dataclass

DEFAULT_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class SignatureError(Exception):
    """The request is not authentic; `code` is machine-readable, `message` for the vendor."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def derive_secret(master_key: bytes, purpose: str, vendor: str, serial: str, version: int) -> str:
    """The secret a device (purpose "device") or gateway (purpose "gateway", serial "") uses."""
    label = f"{purpose}:{vendor}:{serial}:{version}".encode()
    return hmac.new(master_key, label, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def parse_timestamp(text: str) -> int:
    if not text or not text.isdigit() or len(text) > 12:
        raise SignatureError("timestamp_invalid", "X-Timestamp 应为 Unix 秒数")
    return int(text)


def check_window(timestamp: int, now: float, window: int = DEFAULT_WINDOW_SECONDS) -> None:
    """Refuse a request signed too long ago (a replay) or too far ahead (a wrong clock)."""
    if abs(now - timestamp) > window:
        raise SignatureError(
            "timestamp_outside_window", f"时间戳与服务器时间相差超过 {window} 秒，请求被拒绝"
        )


def verify(
    secret: str,
    timestamp_text: str,
    body: bytes,
    signature: str,
    now: float,
    window: int = DEFAULT_WINDOW_SECONDS,
) -> None:
    """Raise SignatureError unless `signature` is valid for the body and recent enough."""
    timestamp = parse_timestamp(timestamp_text)
    if not signature:
        raise SignatureError("signature_missing", "缺少 X-Signature 签名")
    expected = sign(secret, timestamp_text, body)
    # Compared in constant time; the window is checked after, so a forged request learns nothing.
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise SignatureError("signature_invalid", "签名错误，请求被拒绝")
    check_window(timestamp, now, window)
