"""The signature rules alone: what is accepted, what is refused and why."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.alarms.rules.signing import SignatureError, derive_secret, sign, verify

SECRET = derive_secret(b"master", "device", "acme", "IMEI1", 1)


def test_a_correct_signature_inside_the_window_passes() -> None:
    body = b'{"event_id":"1","kind":"sos"}'
    verify(SECRET, "1000", body, sign(SECRET, "1000", body), now=1000 + 299)


@pytest.mark.parametrize(
    ("timestamp", "now", "code"),
    [
        ("1000", 1301, "timestamp_outside_window"),
        ("1000", 699, "timestamp_outside_window"),
        ("abc", 1000, "timestamp_invalid"),
        ("", 1000, "timestamp_invalid"),
    ],
)
def test_stale_future_and_malformed_timestamps_are_refused(
    timestamp: str, now: int, code: str
) -> None:
    body = b"{}"
    with pytest.raises(SignatureError) as caught:
        verify(SECRET, timestamp, body, sign(SECRET, timestamp, body), now=now)
    assert caught.value.code == code


def test_another_devices_secret_or_a_changed_body_is_refused() -> None:
    other = derive_secret(b"master", "device", "acme", "IMEI2", 1)
    with pytest.raises(SignatureError, match="签名错误"):
        verify(SECRET, "1000", b"{}", sign(other, "1000", b"{}"), now=1000)
    with pytest.raises(SignatureError, match="签名错误"):
        verify(SECRET, "1000", b'{"a":2}', sign(SECRET, "1000", b'{"a":1}'), now=1000)
    with pytest.raises(SignatureError) as caught:
        verify(SECRET, "1000", b"{}", "", now=1000)
    assert caught.value.code == "signature_missing"


def test_secrets_differ_by_device_purpose_and_version() -> None:
    labels = {
        derive_secret(b"master", "device", "acme", "IMEI1", 2),
        derive_secret(b"master", "gateway", "acme", "IMEI1", 1),
        derive_secret(b"other", "device", "acme", "IMEI1", 1),
        SECRET,
    }
    assert len(labels) == 4


@given(body=st.binary(max_size=200), flip=st.integers(min_value=0, max_value=63))
def test_any_altered_signature_is_refused(body: bytes, flip: int) -> None:
    good = sign(SECRET, "1000", body)
    altered = good[:flip] + ("0" if good[flip] != "0" else "1") + good[flip + 1 :]
    with pytest.raises(SignatureError):
        verify(SECRET, "1000", body, altered, now=1000)
