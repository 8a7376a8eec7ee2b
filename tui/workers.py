"""Database work off the event loop.

``db_work`` is ``@work(thread=True, exclusive=True)`` that also closes the thread's
database connection when the work ends, and lets errors reach the app's single handler
(``AdvisorApp.worker_error``, then the node's own ``on_worker_error``) instead of
exiting the program.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual import work
from textual.worker import get_current_worker

F = TypeVar("F", bound=Callable[..., Any])


def db_work(method: F | None = None, *, group: str = "default", exclusive: bool = True) -> Any:
    def decorate(fn: F) -> Any:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from db.models import database_proxy

            # The database this work runs against, taken now: a worker still running when
            # its app closes may end after another database was opened (tests do that), and
            # must close its own connection, not the new database's, or the old file stays open.
            database = database_proxy.obj
            try:
                return fn(*args, **kwargs)
            except Exception as error:
                # Worker.StateChanged does not bubble: a screen's or widget's worker would
                # never reach the app's handler. Hand the error over here, then fail as usual.
                node = args[0] if args else None
                app = getattr(node, "app", None)
                if app is not None and node is not app and hasattr(app, "worker_error"):
                    app.call_from_thread(app.worker_error, get_current_worker(), error)
                raise
            finally:
                if database is not None and not database.is_closed():
                    database.close()  # this thread's own connection (peewee keeps one per thread)

        return work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)(wrapper)

    return decorate(method) if method is not None else decorate
