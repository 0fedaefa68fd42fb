"""Paper tickets: layout (pure) → renderers (ESC/POS bytes, HTML/PDF) → printer adapters.

Imports neither flask nor app. Not built yet: the booking core numbers walk-in tickets
(prefix A) with the same capacity engine as web and mobile bookings.
"""
