"""The recognizer's grammar: catalog phrases and voice commands, split into the model's words.

Small vosk models accept a runtime grammar, which is what makes a 42 MB model accurate on a closed
set of phrases. The model only knows its own words and silently drops the rest, so each phrase is
split into words of the model's vocabulary (graph/words.txt where present, else the symbol table
stored in graph/Gr.fst); phrases that cannot be split are reported (``kiosk voice check``).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kiosk.catalog import Catalog

FST_MAGIC = 2125659606
SYMBOLS_MAGIC = 2125658996
UNK = "[unk]"

# Spoken commands that work on every screen: what is said -> what the kiosk does.
COMMANDS = {
    "返回": "back",
    "上一步": "back",
    "首页": "home",
    "回到首页": "home",
    "主页": "home",
    "打印": "print",
    "下一页": "next_page",
    "上一页": "prev_page",
    "确定": "confirm",
    "取消": "cancel",
    "结束": "end",
}


def _read_exact(f, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise ValueError("truncated FST header")
    return data


def _string(f) -> str:
    (n,) = struct.unpack("<i", _read_exact(f, 4))
    if not 0 <= n < 1 << 20:
        raise ValueError("bad string length in FST header")
    return _read_exact(f, n).decode("utf-8", "replace")


def symbols_from_fst(path: Path) -> list[str]:
    """The input symbol table stored in an OpenFst binary header (words of the grammar FST)."""
    with open(path, "rb") as f:
        (magic,) = struct.unpack("<i", _read_exact(f, 4))
        if magic != FST_MAGIC:
            raise ValueError(f"{path} is not an OpenFst file")
        _string(f)  # fst type
        _string(f)  # arc type
        _version, flags = struct.unpack("<ii", _read_exact(f, 8))
        _read_exact(f, 8 + 8 + 8 + 8)  # properties, start, numstates, numarcs
        if not flags & 1:
            raise ValueError(f"{path} carries no symbol table")
        (magic,) = struct.unpack("<i", _read_exact(f, 4))
        if magic != SYMBOLS_MAGIC:
            raise ValueError(f"{path}: bad symbol table")
        _string(f)  # table name
        _available, size = struct.unpack("<qq", _read_exact(f, 16))
        words = []
        for _ in range(size):
            words.append(_string(f))
            _read_exact(f, 8)  # key
        return words


@cache
def model_vocabulary(model_dir: Path) -> frozenset[str]:
    words_txt = model_dir / "graph" / "words.txt"
    if words_txt.exists():
        words = [line.split()[0] for line in words_txt.read_text("utf-8").splitlines() if line]
    else:
        words = symbols_from_fst(model_dir / "graph" / "Gr.fst")
    return frozenset(w for w in words if w and not w.startswith(("<", "#")))


def split_phrase(phrase: str, vocab: frozenset[str], max_len: int = 8) -> list[str] | None:
    """Split a phrase into vocabulary words (greedy longest match per space-separated chunk);
    None when some part is not in the vocabulary."""
    out: list[str] = []
    for chunk in phrase.split():
        if chunk in vocab:
            out.append(chunk)
            continue
        i = 0
        while i < len(chunk):
            for j in range(min(len(chunk), i + max_len), i, -1):
                if chunk[i:j] in vocab:
                    out.append(chunk[i:j])
                    i = j
                    break
            else:
                return None
    return out


@dataclass
class Grammar:
    phrases: list[str] = field(default_factory=list)  # as split into model words
    missing: list[str] = field(default_factory=list)  # could not be expressed
    unk: bool = True  # the model has an [unk] word to absorb speech outside the grammar

    def vosk_json_list(self) -> list[str]:
        return [*self.phrases, UNK] if self.unk else list(self.phrases)


_CLEAN = re.compile(r"[（）()【】\[\]“”\"'、，,。.:：；;!！?？/·\-]+")


def catalog_phrases(catalog: Catalog, extra: Iterable[str] = ()) -> list[str]:
    """What residents may say: names, aliases, keywords, categories, commands."""
    phrases: dict[str, None] = {}
    for m in catalog.enabled():
        for text in (m.name, *m.aliases, *m.keywords, m.category):
            cleaned = _CLEAN.sub(" ", text).strip()
            if cleaned:
                phrases[cleaned] = None
    for text in (*extra, *COMMANDS):
        phrases[text] = None
    return list(phrases)


def build_grammar(phrases: Iterable[str], vocab: frozenset[str]) -> Grammar:
    g = Grammar()
    seen: set[str] = set()
    for phrase in phrases:
        words = split_phrase(phrase, vocab)
        if words is None:
            g.missing.append(phrase)
            continue
        joined = " ".join(words)
        if joined not in seen:
            seen.add(joined)
            g.phrases.append(joined)
    return g
