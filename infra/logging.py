"""Logging filters."""

import logging


class WithoutTraceback(logging.Filter):
    """Keep a record's message and drop its traceback: for errors that are the client's, whose
    stack (and whatever it was raised while handling) tells an operator nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
