"""Notifications to citizens (SMS, e-mail, …): messages, their wording, channels, backends, retry policy.

A pure package: it imports neither flask, sqlalchemy nor app, and never reads the clock
(``now`` and a random source are passed in). The app writes what to say into its outbox
(``app/services/notifications.py``) inside the transaction that caused it; its dispatcher
renders each row with its channel's renderer and hands it to the backend the configuration
names. Channels are declared once each (``notifier/channels/``) and listed in
``notifier.registry``; one backend interface (``notifier.backends.base``).
"""
