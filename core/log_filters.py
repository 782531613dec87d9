"""Constraint errors' DETAIL values never reach the application's logs.

PostgreSQL puts the refused values in a constraint error: "DETAIL: Key (id_number)=(622901199001011234)
already exists.", "Failing row contains (...)". With the traceback of a refused write an ID number, a
name or a phone would be logged. `install()` (core.apps) wraps the log record factory, so every record
of every logger, whatever handler takes it, has those values replaced by "(…)" in its message and its
traceback; the column names stay, so the log still says which constraint refused what."""

from __future__ import annotations

import logging
import re
from typing import Any

_KEY = re.compile(r"(Key \(([^)]*)\)=)\((?:[^()]|\([^()]*\))*\)")
_ROW = re.compile(r"(Failing row contains )\(.*?\)(\.?)$", re.M)
REDACTED = "(…)"


def redact_database_detail(text: str) -> str:
    return _ROW.sub(rf"\g<1>{REDACTED}\g<2>", _KEY.sub(rf"\g<1>{REDACTED}", text))


def _needs_redaction(text: str) -> bool:
    return "Key (" in text or "Failing row" in text


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed call: leave it to logging's own error report
        return record
    if _needs_redaction(message):
        record.msg, record.args = redact_database_detail(message), ()
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)  # the chain of causes too
        if _needs_redaction(text):
            record.exc_text = redact_database_detail(text)
    return record


_installed = False


def install() -> None:
    """Wrap the record factory once (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
