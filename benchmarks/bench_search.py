"""Search benchmarks: quality on the eval sets, latency at 1,000 and 100,000 matters, index time.

Run: uv run python benchmarks/bench_search.py [--json]
Figures go to docs/benchmarks.md. Targets (issue: Foundation): dev top-1 >= 0.95, top-3 >= 0.98,
every out-of-scope query unmatched; CrossWOZ <= 10 matched; p99 <= 5 ms at 1,000 matters and
<= 30 ms at 100,000 on one core; load + index of 100,000 matters <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.catalog import DEMO_CATALOG, load_catalog  # noqa: E402
from kiosk.search import SearchEngine  # noqa: E402

EVAL = ROOT / "tests" / "data" / "eval"
REGION_CHARS = "东西南北中安平和兴华新永宁长清河山阳城江海林泉丰德福宝金"


def rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def quality(engine: SearchEngine, data: list[dict]) -> dict:
    n = t1 = t3 = oos = oos_matched = 0
    for row in data:
        r = engine.search(row["q"], top=3)
        ids = [h.matter.id for h in r.hits]
        if row["expect"]:
            n += 1
            t1 += bool(r.matched and ids and ids[0] in row["expect"])
            t3 += any(i in row["expect"] for i in ids)
        else:
            oos += 1
            oos_matched += r.matched
    return {
        "n": n,
        "top1": round(t1 / max(n, 1), 3),
        "top3": round(t3 / max(n, 1), 3),
        "oos": oos,
        "oos_matched": oos_matched,
    }


def synthetic_catalog(size: int, seed: int = 7) -> dict:
    """A provincial-size catalog: the demo matters as every county publishes them, renamed."""
    rnd = random.Random(seed)
    base = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))["matters"]
    matters = []
    for i in range(size):
        m = dict(base[i % len(base)])
        region = "".join(rnd.sample(REGION_CHARS, 2)) + rnd.choice("区县市")
        m["id"] = f"{m['id']}-{i}"
        m["name"] = (region + m["name"])[:60]
        m["department"] = region + m["department"]
        m["enabled"] = True
        matters.append(m)
    return {"version": f"synthetic-{size}", "matters": matters}


def latency(engine: SearchEngine, queries: list[str], rounds: int) -> dict:
    for q in queries[:50]:  # warm caches, as a kiosk that has been running would be
        engine.search(q)
    ms = []
    for _ in range(rounds):
        for q in queries:
            ms.append(engine.search(q).ms)
    ms.sort()
    return {
        "queries": len(ms),
        "p50_ms": round(ms[len(ms) // 2], 3),
        "p99_ms": round(ms[int(len(ms) * 0.99)], 3),
        "max_ms": round(ms[-1], 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--big", type=int, default=100_000)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as specified

    out: dict = {}
    dev = SearchEngine(load_catalog(EVAL / "dev_catalog.json"))
    out["dev_set"] = quality(dev, rows(EVAL / "dev_queries.jsonl"))
    out["crosswoz_on_dev_catalog"] = quality(dev, rows(EVAL / "out_of_scope_crosswoz.jsonl"))
    demo = SearchEngine(load_catalog(DEMO_CATALOG))
    out["demo_queries"] = quality(demo, rows(ROOT / "tests" / "data" / "demo_queries.jsonl"))
    out["crosswoz_on_demo_catalog"] = quality(demo, rows(EVAL / "out_of_scope_crosswoz.jsonl"))

    queries = [r["q"] for r in rows(EVAL / "dev_queries.jsonl")]
    queries += [r["q"] for r in rows(ROOT / "tests" / "data" / "demo_queries.jsonl")]
    queries += [r["q"] for r in rows(EVAL / "out_of_scope_crosswoz.jsonl")[:100]]

    for size in (1_000, args.big):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "catalog.json"
            path.write_text(json.dumps(synthetic_catalog(size), ensure_ascii=False), "utf-8")
            t0 = time.perf_counter()  # read + parse + validate + index, as at start-up
            engine = SearchEngine(load_catalog(path))
            build_s = time.perf_counter() - t0
        out[f"matters_{size}"] = {
            "load_and_index_s": round(build_s, 2),
            **latency(engine, queries, rounds=3 if size <= 1000 else 1),
        }

    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        for key, value in out.items():
            print(f"{key:26} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
