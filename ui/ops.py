"""One small helper for slow work (backend calls, printing, loading): it runs off the UI thread
and brings the result or the error back on the UI thread. Cancelled work is ignored when it ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class Op:
    def __init__(self, name: str) -> None:
        self.name = name
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
            log.info("operation %s failed: %s", self.op.name, type(exc).__name__)
            self.bridge.done.emit(self.op, self.err, exc)
        else:
            self.bridge.done.emit(self.op, self.ok, value)


class Operations(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(4)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._deliver)
        self._active: set[Op] = set()

    def run(
        self,
        name: str,
        fn: Callable[[], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> Op:
        op = Op(name)
        self._active.add(op)
        self.busy_changed.emit(True)
        self.pool.start(_Job(self._bridge, op, fn, on_result, on_error))
        return op

    def cancel_all(self) -> None:
        for op in self._active:
            op.cancel()

    @property
    def busy(self) -> bool:
        return any(not op.cancelled for op in self._active)

    def _deliver(self, op: Op, callback, value) -> None:
        op.finished = True
        self._active.discard(op)
        self.busy_changed.emit(self.busy)
        if not op.cancelled:
            callback(value)

    def wait(self, ms: int = 10_000) -> bool:
        """For tests and shutdown: wait until the pool is idle."""
        return self.pool.waitForDone(ms)
