# Gunicorn settings Khiw always wants (scripts/demo and the README's production command
# pass `-c gunicorn.conf.py`): an access log that never shows a booking's token.
logger_class = "app.gunicorn_logging.TokenMaskingLogger"
