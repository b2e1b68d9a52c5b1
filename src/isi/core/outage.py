"""What counts as "the database cannot be reached": for a 503 instead of a 500 (isi.operations)
and for the API's error handler, which lets such errors through to be answered the same way."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

try:  # Django wraps driver errors, but a few paths (closing, pools) let psycopg's own through.
    import psycopg

    UNAVAILABLE: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        psycopg.OperationalError,
        psycopg.InterfaceError,
    )
except ImportError:  # pragma: no cover - psycopg is a dependency
    UNAVAILABLE = (OperationalError, InterfaceError)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The error, or what caused it, says the database cannot be reached or went away."""
    for _depth in range(6):
        if exc is None:
            return False
        if isinstance(exc, UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
