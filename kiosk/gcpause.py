"""Pause the cyclic garbage collector around bulk loading, and keep what was loaded out of its
sight afterwards.

Loading 100,000 matters allocates millions of small objects and no cycles; each allocation burst
triggers collections that walk everything allocated so far (about 20% of load time measured).
Once loaded, those objects would still be walked whole by the next full collection (0.7 s at
100,000 matters, on whichever thread allocates next: a resident's query, a screen). So when the
outermost pause ends and its loads succeeded, everything alive is frozen (``gc.freeze``): the
loaded catalog and index, and whatever else the process holds at that moment. Frozen objects are
freed by reference count as before, which is why the catalog and the search engine hold no
reference cycles (tests/test_search_memory.py): a replaced catalog goes at once. What the
collector would have had to find is cyclic garbage, so the pause begins with a collection (a few
milliseconds once the catalog is frozen) and none is frozen with the catalog. A cycle made before
a load that dies after it (a screen's objects) is the one thing kept: it waits for ``sweep``,
which the kiosk runs when nobody is served.

With the catalog frozen, the heap the collector still sees is small, and by Python's default it
would walk all of it every few thousand surviving objects (a few dozen queries on a
100,000-matter catalog, 10-30 ms each): full collections are made ten times rarer (FULL_AFTER).

Pauses may overlap (the catalog sync thread prepares while the UI's reload runs): the first to
begin disables the collector, the last to end freezes (if none failed) and enables it again.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

FULL_AFTER = 100  # younger collections before a full one is considered (Python's default: 10)

_lock = threading.Lock()
_depth = 0  # pauses under way, in any thread
_was_enabled = False  # the collector's state when the first of them began
_failed = False  # one of them ended in an error: freeze nothing


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled, _failed
    with _lock:
        if _depth == 0:
            _was_enabled, _failed = gc.isenabled(), False
            if _was_enabled:
                gc.collect()  # cyclic garbage pending now must not be frozen with the catalog
            gc.disable()
        _depth += 1
    ok = False
    try:
        yield
        ok = True
    finally:
        with _lock:
            _depth -= 1
            # a refused catalog: its traceback's frames are cycles the collector must still see
            _failed = _failed or not ok
            if _depth == 0 and _was_enabled:
                if not _failed:
                    gc.freeze()
                    young, middle, full = gc.get_threshold()
                    gc.set_threshold(young, middle, max(full, FULL_AFTER))
                gc.enable()


def sweep() -> None:
    """Collect what died in cycles since the last freeze, then freeze again: a full collection of
    everything (0.4 s at 100,000 matters), so only while nobody is served."""
    with _lock:
        if _depth or not gc.isenabled():
            return  # a load is under way: its end freezes
        gc.unfreeze()
        gc.collect()
        gc.freeze()
