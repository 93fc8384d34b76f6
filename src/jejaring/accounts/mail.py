"""Outgoing mail over SMTP, when configured (``JEJARING_SMTP_HOST``); failures are logged, never raised."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from jejaring.core.config import Settings

log = logging.getLogger(__name__)


def mail_enabled(settings: Settings) -> bool:
    """True when an SMTP server is configured."""
    return bool(settings.smtp_host)


def send_mail(settings: Settings, *, to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; False when SMTP is not configured or the server refused it."""
    if not mail_enabled(settings):
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_from
    message["To"] = to
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail %r", subject)
        return False
    return True
