"""The residents' lexicon: synonym groups, filler words and weak words (assets/lexicon)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.paths import ASSETS

LEXICON_DIR = ASSETS / "lexicon"
OWNER = "owner:"  # synonyms.txt lines of businesses said bare (see Lexicon.owned)


@dataclass
class Lexicon:
    # term -> the other words it may stand for (its group, or the right side of a "=>" line)
    alternatives: dict[str, set[str]] = field(default_factory=dict)
    fillers: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)
    # things no government service handles (银行卡, 外卖): a query naming one is never `matched`
    # to a matter that does not name it too
    outside: set[str] = field(default_factory=set)
    # action words (丢了, 忘了, 换): their alternatives say how, not what (intents.txt)
    intents: set[str] = field(default_factory=set)
    # actions that tell near-twins apart (注销, 补领, 挂失 ...): see SearchEngine._unsaid_action
    actions: set[str] = field(default_factory=set)
    # everyday function words from a general dictionary (talk.txt, generated): the resident's own
    # known talk, never content foreign to the catalog (see Hit.foreign)
    talk: set[str] = field(default_factory=set)
    # names of provinces, cities and counties (places.txt, generated): where the resident comes
    # from or works says where, not which service; counted lightly, never foreign content
    places: set[str] = field(default_factory=set)
    # place name -> the (province, city) it lies in (regions.txt, generated; city "" for a
    # province's own name): a place the resident names is 跨省 or 省内 from the terminal
    regions: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    # a business said bare (面馆, 作坊, 水果摊): its owner's licence only where the query also
    # says what an owner does (证, 备案, 不开了, 开个 …); otherwise a customer's place
    owned: set[str] = field(default_factory=set)

    def add_group(self, said: list[str], means: list[str]) -> None:
        # as queries are read: NFKC, lower case (开KTV is said as 开ktv)
        means = [normalize_word(w) for w in means]
        for term in map(normalize_word, said):
            self.alternatives.setdefault(term, set()).update(w for w in means if w != term)

    @property
    def terms(self) -> set[str]:
        return set(self.alternatives)


def _lines(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    lex = Lexicon()
    for line in _lines(directory / "synonyms.txt"):
        if line.startswith(OWNER):
            line = line.removeprefix(OWNER)
            lex.owned.update(normalize_word(w) for w in line.partition("=>")[0].split())
        if "=>" in line:
            left, right = line.split("=>", 1)
            said, means = left.split(), right.split()
            lex.add_group(said, means)
        else:
            words = line.split()
            lex.add_group(words, words)
    intents = directory / "intents.txt"
    if intents.exists():
        for line in _lines(intents):
            left, _, right = line.partition("=>")
            said = left.split()
            lex.add_group(said, right.split() if right else said)
            lex.intents.update(normalize_word(w) for w in said)
    for line in _lines(directory / "fillers.txt"):
        if line.startswith("weak:"):
            lex.weak.update(line.removeprefix("weak:").split())
        else:
            lex.fillers.update(line.split())
    actions = directory / "actions.txt"
    if actions.exists():
        for line in _lines(actions):
            lex.actions.update(normalize_word(w) for w in line.split())
    talk = directory / "talk.txt"
    if talk.exists():
        for line in _lines(talk):
            lex.talk.update(normalize_word(w) for w in line.split())
    places = directory / "places.txt"
    if places.exists():
        for line in _lines(places):
            lex.places.update(normalize_word(w) for w in line.split())
    regions = directory / "regions.txt"
    if regions.exists():
        for line in _lines(regions):
            where, _, names = line.partition(":")
            province, city = where.split()
            for w in names.split():
                lex.regions.setdefault(normalize_word(w), set()).add(
                    (province, "" if city == "-" else city)
                )
    outside = directory / "outside.txt"
    if outside.exists():
        for line in _lines(outside):
            lex.outside.update(normalize_word(w) for w in line.split())
    _add_said_without_fillers(lex)
    _add_erhua(lex)
    return lex


# particles a resident or a recognizer leaves out inside a phrase (住院的发票: 住院发票); other
# one-character fillers are parts of words too (地 of 土地, 得 of 所得税) and stay
DROPPED_PARTICLES = frozenset("的了个")


def inner_particles(term: str) -> set[int]:
    """Positions of the particles inside a term (住院的发票: 的); never its first or last."""
    return {j for j in range(1, len(term) - 1) if term[j] in DROPPED_PARTICLES}


def without_particles(term: str) -> str:
    inner = inner_particles(term)
    return "".join(c for j, c in enumerate(term) if j not in inner)


def _add_said_without_fillers(lex: Lexicon) -> None:
    """A term with a particle inside (住院的发票, 交了几年) is found where the resident says the
    particle; said without it (住院 发票) it is the same term: add that form. Particles at a
    term's edge (丢了) are part of how it is said, and stay."""
    for term in list(lex.alternatives):
        if len(term) < 3:
            continue
        variant = without_particles(term)
        # two characters left are another word (不能用 is no 不用)
        if len(variant) >= 3 and variant != term and variant not in lex.alternatives:
            lex.alternatives[variant] = set(lex.alternatives[term])
            if term in lex.intents:
                lex.intents.add(variant)


# words Sichuan speech says with 儿 (娃儿, 老汉儿, 媳妇儿): a term written without it (生娃住院)
# is also found said with it (生娃儿住院)
ERHUA = ("娃", "老汉", "媳妇")


def _add_erhua(lex: Lexicon) -> None:
    for term in list(lex.alternatives):
        variant = term
        for word in ERHUA:
            at = variant.find(word)
            end = at + len(word)
            # the word inside the term, not at its end (a term 娃 said 娃儿 is already found)
            if at >= 0 and end < len(variant) and variant[end] not in "儿娃":
                variant = variant[:end] + "儿" + variant[end:]
        if variant != term and variant not in lex.alternatives:
            lex.alternatives[variant] = set(lex.alternatives[term])
            if term in lex.intents:
                lex.intents.add(variant)


def normalize_word(word: str) -> str:
    return unicodedata.normalize("NFKC", word).lower()
