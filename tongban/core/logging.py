"""Logging filters. A 403 is an answer, not a fault: the log keeps its one line ("Forbidden (Permission denied):
/org/import/") but not the traceback Django attaches to it, which buried real errors in the server log."""
from __future__ import annotations

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
