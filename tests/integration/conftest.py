"""Fixtures of the notification tests (stand-in SMTP and Twilio servers), for every integration test."""

from tests.integration.notifications_support import inbox, providers, twilio  # noqa: F401
