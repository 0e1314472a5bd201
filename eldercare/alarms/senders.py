"""Notification senders: the SMS/voice gateway is external, so sending is pluggable
(settings.ALARMS_NOTIFICATION_SENDER, a dotted path to a class with `send(message)`)."""

import json
import logging
import urllib.request
from dataclasses import asdict, dataclass
from functools import cache
from typing import Protocol

from django.utils.module_loading import import_string

from eldercare.alarms import conf

logger = logging.getLogger("eldercare.alarms.notifications")


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: int
    alarm_id: int
    step: int
    recipient_name: str
    recipient_phone: str
    text: str


class SendError(Exception):
    """The gateway refused or could not be reached; the notification is marked failed."""


class Sender(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> None: ...


class LoggingSender:
    """Writes each message to the log (development, and sites without a gateway yet)."""

    name = "log"

    def send(self, message: OutgoingMessage) -> None:
        logger.warning(
            "报警通知 alarm=%s step=%s to=%s %s: %s",
            message.alarm_id,
            message.step,
            message.recipient_name,
            message.recipient_phone,
            message.text,
        )


class WebhookSender:
    """POSTs the message as JSON to ALARMS_WEBHOOK_URL (an SMS/voice platform's adapter)."""

    name = "webhook"
    timeout_seconds = 5

    def send(self, message: OutgoingMessage) -> None:
        url = conf.webhook_url()
        if not url.startswith(("http://", "https://")):
            raise SendError("未配置 ALARMS_WEBHOOK_URL")
        request = urllib.request.Request(
            url,
            data=json.dumps(asdict(message), ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                if response.status >= 300:
                    raise SendError(f"网关返回 {response.status}")
        except OSError as error:
            raise SendError(f"无法连接网关：{error}") from error


@cache
def _sender_class(path: str) -> type:
    return import_string(path)  # type: ignore[no-any-return]


def current_sender() -> Sender:
    sender: Sender = _sender_class(conf.sender_path())()
    return sender
