"""One module per notification channel, each declaring ``CHANNEL`` (a ``notifier.channel.Channel``).

A channel is listed in ``notifier.registry.CHANNEL_MODULES`` (one line) to be used.
"""
