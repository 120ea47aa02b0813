"""What a catalog load leaves behind. Loading freezes the loaded objects out of the cyclic
collector's sight (kiosk.gcpause), so a catalog or search engine that held a reference cycle
would never be freed when a new catalog replaces it: a kiosk reloading its matter list every day
would grow without end."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
import weakref
from pathlib import Path

import pytest

from kiosk.catalog import CatalogError, load_catalog
from kiosk.gcpause import gc_paused

ROOT = Path(__file__).resolve().parent.parent

# in a fresh interpreter: what earlier tests left in cycles (their monkeypatched engines) is
# not the kiosk's
_RELOAD = """
import gc, json, weakref
from collections import Counter
from kiosk.catalog import load_catalog
from kiosk.search import SearchEngine

gc.collect()  # classes that imports replaced (dataclasses with slots): the interpreter's, not ours
catalog = load_catalog("tests/data/real/county_catalog.json")
engine = SearchEngine(catalog)
for query in ("社保卡丢了", "开个面馆 要办啥", "户口在河南 身份证到期了", "jzz", "挖河泥"):
    engine.search(query)  # fills the engine's per-matter memos
frozen = gc.get_freeze_count()
gone = weakref.ref(engine)
del catalog, engine
freed = gone() is None  # by reference count, at once
gc.unfreeze()
gc.set_debug(gc.DEBUG_SAVEALL)
gc.collect()
cycles = Counter(type(o).__name__ for o in gc.garbage)
print(json.dumps({"frozen": frozen, "freed": freed, "cycles": cycles}))
"""


def test_a_replaced_catalog_and_its_engine_are_freed_without_the_collector():
    out = subprocess.run(
        [sys.executable, "-c", _RELOAD], cwd=ROOT, capture_output=True, text=True, check=True
    )
    got = json.loads(out.stdout)
    assert got["frozen"] > 0  # the load froze what it built
    assert got["freed"] and got["cycles"] == {}, got


def test_a_failed_load_freezes_nothing(tmp_path):
    """A refused file's error keeps its traceback (frames in cycles): the collector must still
    see those, so a pause that ends in an error freezes nothing."""
    bad = tmp_path / "catalog.json"
    bad.write_text('{"version": 1, "matters": [{"id": "x"}]}', encoding="utf-8")
    with pytest.raises(CatalogError):
        load_catalog(bad)
    assert gc.isenabled()
    gc.unfreeze()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("refused")
    assert gc.isenabled() and gc.get_freeze_count() == 0


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_pending_at_a_load_is_collected_not_frozen():
    """gc.freeze keeps everything alive from the collector: a cycle already dead when a load
    begins is collected first, and one that dies after it waits for the idle sweep."""
    from kiosk.gcpause import sweep

    dead = _Cycle()
    gone = weakref.ref(dead)
    del dead
    with gc_paused():
        pass
    assert gone() is None
    alive = _Cycle()
    later = weakref.ref(alive)
    with gc_paused():
        pass  # freezes ``alive`` with the rest
    del alive
    gc.collect()
    assert later() is not None  # frozen: no collection sees it
    sweep()
    assert later() is None
    assert gc.isenabled()


def test_overlapping_pauses_end_once_the_last_one_ends():
    """The catalog sync thread and the UI's reload may load at once: the collector stays off
    until both are done, and is on afterwards whatever the order."""
    first_in, second_out = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():
            first_in.set()
            second_out.wait(5)

    worker = threading.Thread(target=other)
    worker.start()
    assert first_in.wait(5)
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other load is still under way
    second_out.set()
    worker.join(5)
    assert gc.isenabled()
