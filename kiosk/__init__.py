"""Paper tickets: layout (pure) → renderers (an image → ESC/POS bytes; an HTML page) →
printer adapters (network, USB, serial, file), chosen by configuration.

Imports neither flask nor app: the web edge passes the values in.
"""
