"""The one way to run slow work (backend calls, printing, card writes, loading), like Anki's
aqt/operations: the work is a function of core objects that never touches a widget; it runs on a
worker thread; its result or error comes back on the UI thread. Nothing on the UI thread waits.

- ``run``: once. ``owner`` ties it to a screen: leaving that screen drops the result (the work
  itself finishes: a print or a payment is never abandoned half-way). ``owner=None``: the result
  is always delivered (printing, receipts, settling a top-up).
- Results of work started in a session that has ended are dropped (``generation``).
- ``poll``: the same work again and again; the next run is scheduled only after the previous
  one returned, so a poll never overlaps itself however slow the network is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from kiosk.errors import detail

log = logging.getLogger(__name__)


class Op:
    def __init__(self, name: str, owner: str | None, generation: int) -> None:
        self.name = name
        self.owner = owner
        self.generation = generation
        self.cancelled = False
        self.finished = False

    def cancel(self) -> None:
        self.cancelled = True


class _Bridge(QObject):
    """Lives on the UI thread: signals emitted from workers are delivered here, queued."""

    done = Signal(object, object, object)  # op, callback, value


class _Job(QRunnable):
    def __init__(self, bridge: _Bridge, op: Op, fn: Callable[[], Any], ok, err) -> None:
        super().__init__()
        self.bridge, self.op, self.fn, self.ok, self.err = bridge, op, fn, ok, err

    def run(self) -> None:
        try:
            value = self.fn()
        except Exception as exc:  # delivered to the UI as an error, never a crash
            log.info("operation %s failed: %s", self.op.name, detail(exc))
            self.bridge.done.emit(self.op, self.err, exc)
        else:
            self.bridge.done.emit(self.op, self.ok, value)


class Poll(QObject):
    """``fn`` every ``interval_ms``, one at a time, until ``stop``."""

    def __init__(self, ops: Operations, name: str, fn, on_result, on_error, interval_ms: int):
        super().__init__(ops)
        self.ops, self.name, self.fn = ops, name, fn
        self.on_result, self.on_error = on_result, on_error
        self.running = True
        self.in_flight = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.now)

    def now(self) -> None:
        """Run once now, unless a run is already in flight (then its end schedules the next)."""
        if not self.running or self.in_flight:
            return
        self.timer.stop()
        self.in_flight = True
        self.ops.run(self.name, self.fn, self._ok, self._err, owner=None)

    def _ok(self, value) -> None:
        self.in_flight = False
        if self.running:
            self.on_result(value)
        if self.running:
            self.timer.start()

    def _err(self, exc: Exception) -> None:
        self.in_flight = False
        if self.running:
            self.on_error(exc)
        if self.running:
            self.timer.start()

    def stop(self) -> None:
        self.running = False
        self.timer.stop()


class Operations(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(4)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._deliver)
        self._active: set[Op] = set()
        self.generation = 0  # the session's: set by the window at every session end

    def run(
        self,
        name: str,
        fn: Callable[[], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        *,
        owner: str | None = None,
    ) -> Op:
        op = Op(name, owner, self.generation)
        self._active.add(op)
        self.busy_changed.emit(True)
        self.pool.start(_Job(self._bridge, op, fn, on_result, on_error))
        return op

    def poll(self, name: str, fn, on_result, on_error, interval_ms: int) -> Poll:
        """Start polling now; see ``Poll``."""
        p = Poll(self, name, fn, on_result, on_error, interval_ms)
        p.now()
        return p

    def cancel(self, owner: str) -> None:
        """The resident left ``owner``'s screen: its pending results are not wanted."""
        for op in self._active:
            if op.owner == owner:
                op.cancel()

    def cancel_all(self) -> None:
        for op in self._active:
            op.cancel()

    def new_generation(self, generation: int) -> None:
        """A session ended: nothing started in it may reach a screen any more."""
        self.generation = generation
        for op in self._active:
            if op.owner is not None:
                op.cancel()

    @property
    def busy(self) -> bool:
        return any(not op.cancelled for op in self._active)

    def _deliver(self, op: Op, callback, value) -> None:
        op.finished = True
        self._active.discard(op)
        self.busy_changed.emit(self.busy)
        if op.cancelled:
            return
        if op.owner is not None and op.generation != self.generation:
            return  # the session it belonged to has ended
        callback(value)

    def wait(self, ms: int = 10_000) -> bool:
        """For tests and shutdown: wait until the pool is idle."""
        return self.pool.waitForDone(ms)
