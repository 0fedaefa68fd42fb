"""Khiw's rules in plain Python: no Flask, no SQLAlchemy, no clock.

Views, the CLI and the scheduler call these through ``app.services``; tests can read
and check them alone. Time comes in as an argument (``now``), never from the clock.
"""
