"""Pinyin for matching: toneless, fuzzy-folded syllables per character, and typed-pinyin parsing.

Speech recognizers and residents get the sound right more often than the character (公鸡金 for
公积金), and many speakers merge z/zh, c/ch, s/sh, n/l and -n/-ng. We therefore compare sounds after
folding those distinctions away. Readings come from pypinyin's per-character dictionary; a character
with several readings (还: hai/huan) keeps its first two, so both sides of a comparison agree.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pypinyin.pinyin_dict import pinyin_dict

_MAX_READINGS = 2


def _toneless(reading: str) -> str:
    # NFD splits tone marks (and ü's diaeresis) into combining marks, which we drop: lǜ -> lu.
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


def fold(syllable: str) -> str:
    """Fold a toneless syllable so that commonly confused sounds compare equal."""
    s = syllable.replace("v", "u")
    if s[:2] in ("zh", "ch", "sh"):
        s = s[0] + s[2:]
    if s.startswith("n") and s != "n" and not s.startswith("ng"):
        s = "l" + s[1:]
    if s.endswith("ng") and not s.endswith("ong") and len(s) > 2:
        s = s[:-1]  # ang/eng/ing/iang/uang -> an/en/in/ian/uan
    return s


def initial(syllable: str) -> str:
    """The letter a resident presses on an initials keypad for this syllable (zh -> z)."""
    return syllable[0] if syllable else ""


@lru_cache(maxsize=65536)
def char_syllables(ch: str) -> tuple[str, ...]:
    """Folded syllables of one Chinese character; () when it is not one pypinyin knows."""
    raw = pinyin_dict.get(ord(ch))
    if not raw:
        return ()
    out: list[str] = []
    for reading in raw.split(",")[:_MAX_READINGS]:
        f = fold(_toneless(reading))
        if f not in out:
            out.append(f)
    return tuple(out)


def _all_syllables() -> frozenset[str]:
    # Vowel-less interjections (m, n, ng, hm) are left out: typed, those letters are initials.
    every = {_toneless(r) for v in pinyin_dict.values() for r in v.split(",")}
    return frozenset(s for s in every if any(c in "aeiouv" for c in s))


SYLLABLES = _all_syllables()
_INITIALS = frozenset("bpmfdtnlgkhjqxzcsrywa eo".replace(" ", "")) | {"zh", "ch", "sh"}
_MAX_SYL = max(len(s) for s in SYLLABLES)


@lru_cache(maxsize=4096)
def parse_letters(word: str) -> tuple[tuple[str, bool], ...]:
    """Split typed letters into pinyin pieces: ``(piece, is_full_syllable)``.

    ``gongjijin`` -> gong ji jin; ``gjjcx`` -> five initials; ``gongjijincx`` mixes both. We take
    the split with the lowest cost, where a full syllable is cheaper than a lone initial, so that
    real
    syllables win whenever the letters allow them.
    """
    word = word.lower().replace("ü", "v")
    n = len(word)
    inf = float("inf")
    best: list[float] = [0.0] + [inf] * n
    back: list[tuple[int, bool]] = [(0, False)] * (n + 1)
    for i in range(n):
        if best[i] == inf:
            continue
        for j in range(i + 1, min(n, i + _MAX_SYL) + 1):
            piece = word[i:j].replace("v", "u")
            if piece in SYLLABLES and best[i] + 1.0 < best[j]:
                best[j], back[j] = best[i] + 1.0, (i, True)
            if piece in _INITIALS and best[i] + 1.6 < best[j]:
                best[j], back[j] = best[i] + 1.6, (i, False)
    if best[n] == inf:
        return ()
    pieces: list[tuple[str, bool]] = []
    j = n
    while j > 0:
        i, full = back[j]
        pieces.append((word[i:j].replace("v", "u"), full))
        j = i
    return tuple(reversed(pieces))
