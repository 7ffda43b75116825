"""Where alerts go: e-mail through an SMTP relay, and one JSON webhook.

Both are configured by environment variables (README, docs/operations.md);
each one configured gets every alert. The webhook receives `{"text": ...}`,
which Slack, Microsoft Teams and Google Chat incoming webhooks all accept.
Sending never raises: a channel that is down is logged and the others still
get the alert, so an alert can never fail a run or a sensor.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import socket
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage

TIMEOUT_SECONDS = 15
NO_CHANNEL = (
    "ยังไม่ได้ตั้งช่องทางแจ้งเตือน (DIPROM_ALERT_SMTP_HOST, DIPROM_ALERT_WEBHOOK_URL) · "
    "no alert channel is set (DIPROM_ALERT_SMTP_HOST, DIPROM_ALERT_WEBHOOK_URL)"
)


@dataclass(frozen=True)
class Alert:
    subject: str
    body: str  # Thai first, English beside it


@dataclass(frozen=True)
class SmtpChannel:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    name: str = "e-mail"

    def send(self, alert: Alert) -> None:
        message = EmailMessage()
        message["Subject"] = alert.subject
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(alert.body)  # UTF-8: the Thai arrives as written
        with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


@dataclass(frozen=True)
class WebhookChannel:
    url: str = field(repr=False)  # the URL is the webhook's secret
    name: str = "webhook"

    def send(self, alert: Alert) -> None:
        payload = json.dumps({"text": f"{alert.subject}\n\n{alert.body}"}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=payload, method="POST", headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def morning_summary_wanted(env: Mapping[str, str] | None = None) -> bool:
    """`DIPROM_MORNING_SUMMARY=1`: a message after each successful scheduled night."""
    return _flag((os.environ if env is None else env).get("DIPROM_MORNING_SUMMARY"))


def channels_from_env(env: Mapping[str, str] | None = None) -> list[SmtpChannel | WebhookChannel]:
    """The channels the environment configures: e-mail when a host and recipients
    are set, the webhook when its URL is."""
    env = os.environ if env is None else env
    channels: list[SmtpChannel | WebhookChannel] = []
    host = env.get("DIPROM_ALERT_SMTP_HOST", "").strip()
    recipients = tuple(a.strip() for a in env.get("DIPROM_ALERT_TO", "").split(",") if a.strip())
    if host and recipients:
        starttls = _flag(env.get("DIPROM_ALERT_SMTP_STARTTLS"))
        channels.append(
            SmtpChannel(
                host=host,
                port=int(env.get("DIPROM_ALERT_SMTP_PORT") or (587 if starttls else 25)),
                sender=env.get("DIPROM_ALERT_FROM") or f"diprom-warehouse@{socket.getfqdn()}",
                recipients=recipients,
                starttls=starttls,
                user=env.get("DIPROM_ALERT_SMTP_USER") or None,
                password=env.get("DIPROM_ALERT_SMTP_PASSWORD") or None,
            )
        )
    url = env.get("DIPROM_ALERT_WEBHOOK_URL", "").strip()
    if url:
        channels.append(WebhookChannel(url))
    return channels


@dataclass(frozen=True)
class Delivery:
    delivered: list[str]
    down: dict[str, str]  # channel name -> why it could not take the alert
    configured: bool

    def __str__(self) -> str:
        if not self.configured:
            return NO_CHANNEL
        parts = []
        if self.delivered:
            parts.append(f"ส่งแจ้งเตือนแล้วทาง · alert sent by {', '.join(self.delivered)}")
        parts += [f"ส่งทาง {name} ไม่ได้ · the {name} channel is down: {why}" for name, why in self.down.items()]
        return "; ".join(parts)


def send_alert(alert: Alert, log: logging.Logger | logging.LoggerAdapter, channels=None) -> Delivery:
    """Send through every configured channel. Never raises: a channel that is down,
    or settings that cannot be read, are logged and reported in the Delivery."""
    if channels is None:
        try:
            channels = channels_from_env()
        except ValueError as error:  # e.g. a port that is not a number
            log.warning(f"ตั้งค่าช่องทางแจ้งเตือนไม่ถูกต้อง · the alert settings are wrong: {error}")
            return Delivery([], {"settings": str(error)}, True)
    if not channels:
        log.info(NO_CHANNEL)
        return Delivery([], {}, False)
    delivered, down = [], {}
    for channel in channels:
        try:
            channel.send(alert)
        except Exception as error:
            down[channel.name] = f"{type(error).__name__}: {error}"
            log.warning(f"ส่งแจ้งเตือนทาง {channel.name} ไม่ได้ · the {channel.name} alert channel is down: {down[channel.name]}")
        else:
            delivered.append(channel.name)
    return Delivery(delivered, down, True)
