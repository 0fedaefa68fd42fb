"""Delivery backends, one interface (``base.Backend``); chosen by name in ``notifier.registry``."""
