"""JSON logs through structlog, with the request id on every line and personal data scrubbed."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from asgi_correlation_id.context import correlation_id

# Keys whose values never reach a log line, whatever the caller passes.
SENSITIVE_KEYS = re.compile(r"national_id|cpr|personnummer|secret|password|authorization|token|cookie|ciphertext", re.I)
# A Danish CPR (ddmmyy-xxxx / ddmmyyxxxx) or Swedish personnummer shape inside free text.
NATIONAL_ID_SHAPE = re.compile(r"\b\d{6}[-+]?\d{4}\b|\b\d{8}[-+]?\d{4}\b")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return NATIONAL_ID_SHAPE.sub("[redacted]", value)
    if isinstance(value, dict):
        return {k: ("[redacted]" if SENSITIVE_KEYS.search(str(k)) else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def redact_personal_data(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if SENSITIVE_KEYS.search(key):
            event[key] = "[redacted]"
        else:
            event[key] = _scrub(event[key])
    return event


def add_request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    request_id = correlation_id.get()
    if request_id:
        event.setdefault("request_id", request_id)
    return event


def configure_logging(service: str, *, level: str = "INFO", json: bool = True) -> None:
    """Route structlog and the standard library (uvicorn, sqlalchemy) through one JSON renderer."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_request_id,
        structlog.processors.format_exc_info,
        redact_personal_data,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        # filter_by_level first: events below the level are dropped before any processor runs.
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Access lines carry query strings; our own request log line replaces them.
    logging.getLogger("uvicorn.access").disabled = True
    structlog.contextvars.bind_contextvars(service=service)
