"""The scheduler's jobs and the dispatcher loop: thin, idempotent functions over the services.

Nothing here imports a web module. ``schedule.py`` lists every job the one scheduler process
(``flask --app app scheduler``) runs; ``dispatch.py`` delivers the outbox
(``flask --app app dispatcher``, or the scheduler's own ``dispatch`` job).
"""
