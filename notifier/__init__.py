"""Notifications to citizens (SMS, e-mail): messages, their wording, backends, retry policy.

A pure package: it imports neither flask, sqlalchemy nor app, and never reads the clock
(``now`` and a random source are passed in). The app writes what to say into its outbox
(``app/services/notifications.py``) inside the transaction that caused it; its dispatcher
renders each row with ``notifier.messages.render`` and hands it to the backend named in the
configuration (``notifier.registry``). One interface (``notifier.backends.base``), four
backends: ``console``, ``null``, ``smtp``, ``twilio``.
"""
