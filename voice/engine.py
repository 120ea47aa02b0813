"""The offline voice assistant: vosk with a runtime grammar, a free pass to reject speech that is
about no matter, and the search engine to turn words into matters."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.search import SearchEngine, SearchResult
from kiosk.search.pinyin import char_syllables
from voice.audio import RATE, AudioSource, level
from voice.grammar import COMMANDS, UNK, Grammar, build_grammar, catalog_phrases, model_vocabulary

log = logging.getLogger(__name__)

MAX_UTTERANCE_S = 8.0
FREE_PASS_WAIT_S = 6.0  # after the end of speech, for a second opinion on an unclear result
AGREE = 60  # partial similarity (0-100) of the two passes' sounds that counts as agreement


@dataclass
class Heard:
    text: str  # grammar pass, [unk] removed
    free_text: str  # free pass ("" when not needed or not available)
    decode_ms: float  # grammar pass: from the end of the audio to its result
    audio_s: float
    command: str | None = None  # a voice command, when that is what was said
    result: SearchResult | None = None
    matched: bool = False
    partials: list[str] = field(default_factory=list)


def load_model(model_dir: Path):
    """Load a vosk model (seconds, hundreds of MB): call it off the UI thread."""
    import vosk

    vosk.SetLogLevel(-1)
    if not (model_dir / "am").is_dir():
        raise FileNotFoundError(f"no vosk model in {model_dir}")
    return vosk.Model(str(model_dir))


class VoiceEngine:
    def __init__(self, model_dir: Path, engine: SearchEngine, model=None) -> None:
        self.model_dir = Path(model_dir)
        self.search = engine
        self.model = model or load_model(self.model_dir)
        self.grammar = self.build_grammar()
        self._phrases = set(self.grammar.phrases)
        # A small model (lookahead graph, Gr.fst) also decodes without a grammar: that free pass
        # tells speech about a matter from speech the grammar merely bent into one.
        graph = self.model_dir / "graph"
        self.has_free_pass = (graph / "Gr.fst").exists() or (graph / "HCLG.fst").exists()

    def build_grammar(self) -> Grammar:
        """Catalog phrases (reported when inexpressible) plus the lexicon's words where the model
        can say them (residents say 煤气 for 燃气)."""
        vocab = model_vocabulary(self.model_dir)
        grammar = build_grammar(catalog_phrases(self.search.catalog), vocab)
        # sorted: the grammar (and so what vosk hears) must not depend on set order
        extra = build_grammar(sorted(t for t in self.search.lexicon.terms if len(t) > 1), vocab)
        known = set(grammar.phrases)
        grammar.phrases += [p for p in extra.phrases if p not in known]
        grammar.unk = UNK in vocab
        return grammar

    def _recognizers(self):
        import vosk

        grammar = json.dumps(self.grammar.vosk_json_list(), ensure_ascii=False)
        rec = vosk.KaldiRecognizer(self.model, RATE, grammar)
        free = vosk.KaldiRecognizer(self.model, RATE) if self.has_free_pass else None
        return rec, free

    def listen(
        self,
        source: AudioSource,
        on_partial: Callable[[str], None] | None = None,
        on_level: Callable[[float], None] | None = None,
        max_seconds: float = MAX_UTTERANCE_S,
    ) -> Heard:
        """Recognize one utterance: until vosk's endpoint, ``max_seconds``, or ``source.stop()``.

        The grammar pass runs here; the free pass runs beside it on another thread (it is many
        times slower) and is only waited for when the grammar's words need a second opinion.
        """
        rec, free = self._recognizers()
        feed: queue.Queue[bytes | None] = queue.Queue()
        out: dict[str, str] = {}
        worker = None
        if free is not None:
            worker = threading.Thread(
                target=_free_pass, args=(free, feed, out), name="voice-free-pass", daemon=True
            )
            worker.start()
        fed = 0
        partials: list[str] = []
        try:
            for chunk in source.chunks():
                fed += len(chunk) // 2
                if on_level:
                    on_level(level(chunk))
                feed.put(chunk)
                if rec.AcceptWaveform(chunk):
                    break  # vosk's endpointer: the resident stopped speaking
                partial = _clean(json.loads(rec.PartialResult()).get("partial", ""))
                if partial and (not partials or partials[-1] != partial):
                    partials.append(partial)
                    if on_partial:
                        on_partial(partial)
                if fed / RATE >= max_seconds:
                    break
        finally:
            feed.put(None)
        started = time.perf_counter()
        text = _clean(json.loads(rec.FinalResult()).get("text", ""))
        heard = Heard(
            text, "", (time.perf_counter() - started) * 1000, fed / RATE, partials=partials
        )

        def second_opinion() -> str:
            if worker is not None:
                worker.join(timeout=FREE_PASS_WAIT_S)
            heard.free_text = out.get("text", "")
            return heard.free_text

        self.understand(heard, second_opinion)
        return heard

    def understand(self, heard: Heard, free_text: Callable[[], str] = lambda: "") -> None:
        """Words -> a command, or matters through the search engine.

        The grammar pass outputs only grammar words, but in any order (vosk builds a bigram model
        over them): speech about nothing can come out as a mash-up of two phrases. A whole phrase
        is taken as said; anything else must be confirmed by the free pass sounding alike.
        """
        compact = heard.text.replace(" ", "")
        if compact in COMMANDS:
            heard.command = COMMANDS[compact]
            heard.matched = True
            return
        if not heard.text:
            return
        heard.result = self.search.search(heard.text, top=6)
        if not heard.result.matched:
            return
        if heard.text in self._phrases or not self.has_free_pass:
            heard.matched = True
            return
        heard.matched = sounds_alike(heard.text, free_text())


def _free_pass(free, feed: queue.Queue, out: dict[str, str]) -> None:
    while (chunk := feed.get()) is not None:
        free.AcceptWaveform(chunk)
    out["text"] = _clean(json.loads(free.FinalResult()).get("text", ""))


def sound_of(text: str) -> str:
    """How text sounds, spelled plainly: pinyin for Chinese, jamo for Hangul, else as written."""
    out = []
    for ch in text:
        if ch.isspace() or ch.isdigit() or ch in "[]":
            continue
        syls = char_syllables(ch)
        out.append(syls[0] if syls else unicodedata.normalize("NFD", ch))
    return "".join(out)


def sounds_alike(grammar_text: str, free_text: str) -> bool:
    from rapidfuzz import fuzz

    if not free_text:
        return False
    return fuzz.partial_ratio(sound_of(grammar_text), sound_of(free_text)) >= AGREE


def _clean(text: str) -> str:
    return " ".join(w for w in text.split() if w != UNK)
