"""The request log's lines as a test sees them: the `request_log` fixture (tests/conftest.py)
collects every message of the `isi.requests` logger (one JSON line per request) in a `Lines`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def collected(logger_name: str = "isi.requests") -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
