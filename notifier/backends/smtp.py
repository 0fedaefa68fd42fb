"""E-mail through an SMTP server (STARTTLS or implicit TLS, optional login).

Each message carries a Message-ID derived from the outbox key, so a message re-sent after a
crash (the outbox delivers at least once) is recognisable as the same message.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr

from .base import DeliveryFailed, Outgoing, Sent

#: SMTP replies that say the server is misconfigured for us (login, TLS), not that the
#: message is bad: worth retrying once an IT officer fixes the settings.
_CONFIGURATION_REPLIES = {530, 534, 535, 538}


class SmtpBackend:
    name = "smtp"
    channel = "email"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        mail_from: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        use_ssl: bool = False,
        timeout: float = 15.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.mail_from = host, port, mail_from
        self.username, self.password = username, password
        self.starttls, self.use_ssl, self.timeout = starttls, use_ssl, timeout
        self.ssl_context = ssl_context or ssl.create_default_context()

    def build(self, message: Outgoing) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.mail_from
        email["To"] = message.to
        email["Subject"] = message.subject
        domain = parseaddr(self.mail_from)[1].partition("@")[2] or "khiw.invalid"
        email["Message-ID"] = f"<{hashlib.sha256(message.key.encode()).hexdigest()[:40]}@{domain}>"
        email["Auto-Submitted"] = "auto-generated"
        email.set_content(message.text)
        if message.html:
            email.add_alternative(message.html, subtype="html")
        return email

    def send(self, message: Outgoing) -> Sent:
        email = self.build(message)
        try:
            if self.use_ssl:
                server = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.ssl_context)
            else:
                server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with server:
                if self.starttls and not self.use_ssl:
                    server.starttls(context=self.ssl_context)
                if self.username:
                    server.login(self.username, self.password or "")
                server.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise DeliveryFailed("recipient refused", permanent=all(c >= 500 for c in codes), code=codes[0]) from None
        except smtplib.SMTPResponseException as error:
            code = error.smtp_code
            permanent = code >= 500 and code not in _CONFIGURATION_REPLIES
            raise DeliveryFailed(f"SMTP {code}", permanent=permanent, code=code) from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"SMTP server unreachable: {type(error).__name__}", permanent=False) from None
        return Sent(email["Message-ID"], "sent")
