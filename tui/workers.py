"""Database work off the event loop.

``db_work`` is ``@work(thread=True, exclusive=True)`` that also closes the thread's
database connection when the work ends, and lets errors reach the app's single handler
(``AdvisorApp.worker_error``, then the node's own ``on_worker_error``) instead of
exiting the program. ``Newest`` runs what follows typing: one worker at a time, the
newest request next.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual import work
from textual.worker import Worker, WorkerState, get_current_worker

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


class Newest:
    """Ask at every change, one worker at a time, the newest asked for when it answers.

    For what follows typing (the lookup, the prospects' filter): a change (``ask``)
    starts its worker at once unless one is under way; then it waits for that one's
    answer, and the newest change is asked for as soon as it comes. A burst of keys
    costs one query per answer and the last key waits at most for the query under way,
    where a debounce timer would add its delay after every last key. Each request
    carries a generation number, and only the newest generation's answer is shown.

    The owner gives ``start(generation)``, which starts the worker (or answers at once
    and returns ``None``), passes every answer's generation through ``answered`` and its
    ``Worker.StateChanged`` events through ``worker_changed``. A worker started apart
    for the same generation (the next page) is started only when not ``busy``.
    """

    def __init__(self, start: Callable[[int], Worker | None]) -> None:
        self._start = start
        self.generation = 0  # of the newest request
        self._worker: Worker | None = None  # the request under way, if any
        self._running = 0  # its generation

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def ask(self) -> None:
        self.generation += 1  # anything in flight is stale from now on
        if self._worker is None:
            self._launch()

    def _launch(self) -> None:
        self._running = self.generation
        self._worker = self._start(self.generation)

    def answered(self, generation: int) -> bool:
        """True when the answer of ``generation`` is the newest, to be shown. The answer
        of the request under way frees the way: a newer one starts now."""
        if self._worker is not None and generation == self._running:
            self._worker = None
            if generation != self.generation:
                self._launch()  # asked again while it ran: the newest now
                return False
        return generation == self.generation

    def worker_changed(self, event: Worker.StateChanged) -> None:
        # (a failure itself reaches the app's one handler through db_work)
        if event.worker is self._worker and event.state in (WorkerState.CANCELLED, WorkerState.ERROR):
            self._worker = None  # no answer will come: the next change asks at once
