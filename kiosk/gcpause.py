"""Pause the cyclic garbage collector around bulk loading, and keep what was loaded out of its
sight afterwards.

Loading 100,000 matters allocates millions of small objects and no cycles; each allocation burst
triggers collections that walk everything allocated so far (about 20% of load time measured).
Once loaded, those objects would still be walked whole by the next full collection (0.7 s at
100,000 matters, on whichever thread allocates next: a resident's query, a screen). So a load that
succeeds freezes them (``gc.freeze``): they are freed by reference count as before when a new
catalog replaces them, which is why the catalog and the search engine hold no reference cycles
(tests/test_search_memory.py). With the catalog frozen, the heap the collector still sees is
small, and by Python's default it would walk all of it every few thousand surviving objects (a
few dozen queries on a 100,000-matter catalog, 10-30 ms each): full collections are made ten
times rarer (FULL_AFTER).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FULL_AFTER = 100  # younger collections before a full one is considered (Python's default: 10)


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    except BaseException:
        # a refused catalog: its traceback's frames are cycles the collector must still see
        if was_enabled:
            gc.enable()
        raise
    if was_enabled:
        gc.freeze()
        young, middle, full = gc.get_threshold()
        gc.set_threshold(young, middle, max(full, FULL_AFTER))
        gc.enable()
