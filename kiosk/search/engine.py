"""The search engine behind the search box, the pinyin keypad and the voice assistant.

How it works, in short:

1. A query becomes a row of tokens, one per character (or per typed pinyin syllable or initial),
   each carrying its folded syllables (see ``pinyin``). Filler words are dropped first.
2. Lexicon words found in the query (by character, or by sound for words of 2+ characters) add
   alternative spellings for their span: 贫困 may stand for 困难, 煤气 for 燃气.
3. Adjacent token pairs (and pairs reaching into and out of alternatives) are looked up in an
   inverted index of syllable pairs, or of initial-letter pairs for keypad input, to find candidate
   matters cheaply.
4. Each candidate is scored by how much of the query it explains (``q_cov``) and how much of its
   best name or alias the query covers (``m_cov``). Confidence (``matched``) needs both:
   out-of-scope speech shares a pair of sounds with some matter by chance, but not most of
   its words.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate, chain, pairwise
from typing import TypeVar

import numpy as np
from pypinyin import lazy_pinyin

from kiosk.catalog import Catalog, Kind, Matter
from kiosk.gcpause import gc_paused
from kiosk.search.lexicon import Lexicon, inner_particles, load_lexicon, without_particles
from kiosk.search.pinyin import char_syllables, fold, parse_letters

# Scoring weights and confidence thresholds, chosen on the dev set and checked on the demo set.
W_QUERY, W_MATTER = 0.6, 0.4
KIND_BONUS = 0.04
WEAK_WEIGHT = 0.3
PLACE_WEIGHT = 0.5  # a place the resident names (达州, 广州): where, not which service
EXACT, SOUND, TYPED, INITIALS, ALT_FACTOR, LONE_CHAR = 1.0, 0.9, 1.0, 0.85, 0.95, 0.35
SOUND_ONLY = 0.5  # a pair heard with neither character as written (see _strength)
MIN_SCORE, MIN_QCOV, MIN_MCOV = 0.55, 0.6, 0.34
WHOLE_NAME, WHOLE_NAME_QCOV = 0.9, 0.4
PART_QCOV, PART_EXPLAINED = 0.9, 2.5
# A query token inside a lexicon word (过期, 孩子) that a matter does not use counts this much:
# it is known service talk, not the unknown words that mark out-of-scope speech.
THING_MISSING = 0.1  # score off a matter that has no word of a thing the query names
# A clear winner (see _clear_winner): explains this many tokens, this much of its name and of the
# query, and leads the next matter by this margin.
CLEAR_EXPLAINED, CLEAR_MCOV, CLEAR_QCOV, CLEAR_MARGIN = 2.5, 0.5, 0.35, 0.12
# ... or explains this much of the query and this many tokens, with the same lead.
SAID_QCOV, SAID_EXPLAINED = 0.7, 2.0
# ... or explains this much of a short query, more than weak words (电话 alone is no request)
ALL_SAID_QCOV, ALL_SAID_EXPLAINED = 0.9, 1.0
# A situation told with nothing foreign (see _situation_winner): this lead and query coverage.
SITUATION_MARGIN, SITUATION_QCOV = 0.15, 0.3
# Most of a name said, the rest known talk (see _named_rest_known): explains this many tokens and
# this much of the name, with at most this much unknown content left over.
NAMED_EXPLAINED, NAMED_MCOV, NAMED_FOREIGN = 2.5, 0.7, 1.0
# A name said with nothing alien, far ahead of the rest (see _named_far_ahead).
FAR_MCOV, FAR_MARGIN = 0.8, 0.3
# An action word's lexicon alternative (忘了 => 重置) explains its span at this much.
INTENT_FACTOR = 0.7
KNOWN_UNUSED, KNOWN_EXPLAINED = 0.5, 3.0
UNSAID_ACTION = 0.08  # score off a near-twin whose action (注销, 补领 ...) the resident did not say
TWIN_PREFIX = 4  # near-twins share the start of their names (取水许可证新办 / 取水许可证延续)
# How far behind the best suggestion a matter may be to come before a near-twin (see _varied)
VARIED_SPAN = 0.2
CANDIDATES = 32
# ... and the matters that write a pair of query characters found in few of them (at most
# RARE_PAIR, or IDF_RARE of the matters, never more than RARE_MAX), rarest first, at most
# RARE_EXTRA more (see _candidates)
RARE_PAIR, RARE_EXTRA, RARE_MAX = 12, 16, 64
MATTER_MEMO = 8192  # matters whose parsed texts are kept between queries (then all dropped)
FORM_MEMO = 50_000  # distinct texts parsed, kept likewise
MAX_QUERY = 64  # characters searched; what residents say to a kiosk is far shorter
MAX_INITIALS, MAX_INITIAL_SCANS = 24, 48  # keypad initials: letters looked at, blob scans
MAX_ALTERNATIVES = 16
MAX_RETRIED = 3  # typed words searched alone when a query finds nothing (longest first)
HOME_SAMPLE = 2000  # matters whose names and departments say where the terminal is
INSIDE_PARTICLES = frozenset("的个")  # 了 inside changes the sense: 交了医保 is paid already
MAX_TERM = 8  # characters of the longest lexicon term looked for with a particle inside
SPLIT_GAP = 2  # light tokens a two-character lexicon word may be said apart by (see _split_word)
# ... and the characters of a count between them (养了两百多头猪, 挖了十几年煤)
MAX_COUNT = 4
_COUNT = frozenset("一二两三四五六七八九十百千万几多头只条根棵亩年月天斤块车")
# A lexicon alternative also explains its span, at HEAD_FACTOR of its factor, where it stands in
# a name without its document word, if this many tokens are left (see _head)
PHRASE_HEAD, HEAD_FACTOR = 3, 0.8
DOCUMENT_WORDS = ("证书", "证明", "证件", "证", "卡")
# Keypad initials read as the resident's words (see _initials_as_words): words in a reading at
# most; readings searched, the likeliest first, of at most KEYPAD_GENERATED found; the score of
# a reading that ends the search; matters looked up per word to rank the readings.
KEYPAD_PIECES, KEYPAD_READINGS, KEYPAD_GENERATED, KEYPAD_SURE = 3, 6, 64, 0.9
KEYPAD_WRITTEN = 64
# A reading of two or more words counts only if its matter explains this much of it, and scores.
KEYPAD_QCOV, KEYPAD_SCORE = 0.9, 0.8
# Query tokens whose character is in many matters count down to IDF_FLOOR of their weight; a
# character in at most IDF_RARE of the matters counts in full.
IDF_FLOOR, IDF_RARE = 0.5, 0.02

_NOTHING: frozenset[str] = frozenset()
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# an amount the resident tells (花了三万多, 交了八年, 两千块, 十二年): their own talk, never
# content foreign to the catalog; a magnitude (十百千万), a digit or a unit says it is an amount
_AMOUNT = re.compile(r"[0-9零一二两三四五六七八九十百千万几]+[多余]?[块元年月天岁]?")
_MAGNITUDE = frozenset("0123456789十百千万块元年月天岁")
# Hangul syllables are pieces of their own (matched as written, no pinyin): the voice tests run a
# Korean model, and the engine should not drop a script it does not know how to pronounce.
_PIECE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\uac00-\ud7a3]|[a-z0-9]+")
_SPLIT = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff\uac00-\ud7a3a-z0-9]+")

# Words that say which kind of service a resident wants; a small nudge between equal matches.
_INTENT: dict[Kind, tuple[str, ...]] = {
    Kind.CERTIFICATE: ("证明", "凭证", "开证"),
    Kind.QUERY: ("查", "看看", "多少", "进度", "明细", "记录", "余额", "处理了", "怎么样了"),
    Kind.PAYMENT: ("缴费", "交费", "充值", "交钱", "买气", "购气", "缴", "交", "充", "付"),
    Kind.APPOINTMENT: ("预约", "约"),
    Kind.COMPLAINT: ("反映", "投诉", "举报", "诉求", "建议"),
}


# Words that only ever mean "I complain" (建议, 反映 are also everyday talk: 你有什么建议吗)
_COMPLAIN = ("投诉", "举报", "告状")
# the way to a place (加油站在哪, 人民医院在哪里) is no service unless something is to be done
# there (派出所在哪办身份证), said with one of _DOING; 身份证丢哪里了 names no place
_REGISTERED_AT = re.compile(r"(户口|户籍)(本|簿)?(在|是|落在|还在)")
_WHERE = re.compile(r"在哪|哪里|哪儿|哪点|怎么走|咋个走|怎么去|什么地方|啥子地方|啥地方")
_PLACE = re.compile(
    r"医院|诊所|药店|药房|银行|学校|超市|市场|公园|厕所|教堂|[局所站馆店场园厅处吧部寺庙]"
)
# what an owner does with a business (see Lexicon.owned): a licence, a record, 办啥 (not 办卡:
# a customer's card), opening (not a place newly opened: 新开的面馆), closing down (not 几点关门),
# renewing
_OWNER_CUE = re.compile(
    r"(?<!身份|行驶|驾驶|资格|健康|合格|检疫|行医|借书)证(?![明据书])|执照|许可|备个?案|登记|注销"
    r"|手续(?!费)|办[啥什哪](?!子?卡)|审批|报批|批[准下]|要批(?!发)|批[不吗没]|开业|(?<!新)开[个一家间]"
    r"|(?<!开)不开(?!门)|停业|歇业|到期|续期|延续|年审"
)
# ... unless what is said is a customer's, a patient's, a parent's or a neighbour's (买, 入住,
# 看病, 会员卡, 打折, 今天开不开, 隔壁开了个网吧): the owner's cue words are theirs too
_CUSTOMER = re.compile(
    r"买|订|预约|入住|住一|上网|上辅导班|上补习班|下馆子|报名|看病|修车|发货|找车|钓|包间|包厢"
    r"|发票|收据|小票|单子|会员|办卡|办的卡|[啥么]子?卡|卡里|退钱|退费|咋退|不给退|打折|活动|送"
    r"|酬宾|大吉|划算|优惠|开了没|开张了没|开了不|今天|几点|疗程|开药|开了药|开个药|开了几|中药"
    r"|房间|钟点房|拉肚子|吃出|去哪|照顾|楼下开|楼上开|隔壁开|对门开|邻居|机子|请假|整顿"
)
_DOING = frozenset("办弄整搞交缴领补换查开认申打登报注销迁转拿取续签考评鉴挂解")


@dataclass(frozen=True, slots=True)
class Tok:
    char: str | None  # as written; None when the resident typed pinyin
    syls: tuple[str, ...]  # folded syllables; () for a lone typed initial
    init: str  # folded initial letter
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Hit:
    matter: Matter
    score: float
    q_cov: float
    m_cov: float
    explained: float = 0.0  # informative weight of the query this matter explains (in tokens)
    # score taken off for an action the resident did not say (see SearchEngine._unsaid_action):
    # it orders near-twins, it is no evidence that the best of them is not what was asked
    unsaid: float = 0.0
    # informative weight of the query's words this matter leaves unexplained and the lexicon does
    # not know (not filler, weak, intent, resident vocabulary or everyday function words of
    # talk.txt): talk foreign to the catalog
    foreign: float = 0.0
    # of that foreign weight, what no matter of this matter's category uses either (医院 is not
    # alien to a 医保 matter, 酒店 is): see _situation_winner
    alien: float = 0.0
    covered: int = 0  # bit i set: query token i is explained (coverage >= 0.5) by this matter
    literal: int = 0  # bit i set: ... and in the matter's own words (its character is there)


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    matched: bool
    hits: list[Hit]
    ms: float
    note: str | None = None  # e.g. the query was cut to MAX_QUERY characters

    def to_json(self, top: int | None = None) -> dict:
        hits = self.hits if top is None else self.hits[:top]
        out = {
            "q": self.query,
            "matched": self.matched,
            "ms": round(self.ms, 3),
            "results": [
                {"id": h.matter.id, "name": h.matter.name, "score": round(h.score, 4)} for h in hits
            ],
        }
        if self.note:
            out["note"] = self.note  # an extension of the contract, present only when needed
        return out


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _syl_init(syls: tuple[str, ...], fallback: str) -> str:
    return syls[0][0] if syls else fallback[:1]


def text_tokens(text: str, weak: Iterable[str] = (), brackets: bool = False) -> list[Tok]:
    """Tokens of written text (a matter name, an alias, a Chinese query).

    With ``brackets`` (matter texts), what stands in brackets counts lightly: published names carry
    qualifiers there (（县级行使）, （包括临时）) that residents never say.
    """
    norm = normalize(text)
    pieces = _PIECE.findall(norm)
    weights = _weak_weights(pieces, weak)
    if brackets and "(" in norm:
        weights = [
            min(w, WEAK_WEIGHT) if inside else w
            for w, inside in zip(weights, _bracketed(norm), strict=True)
        ]
    if brackets and "、" in norm:
        weights = [
            min(w, WEAK_WEIGHT) if listed else w
            for w, listed in zip(weights, _listed_tail(norm), strict=True)
        ]
    toks = [_tok_of(p) for p in pieces]
    return [t if w == 1.0 else replace(t, weight=w) for t, w in zip(toks, weights, strict=True)]


def _listed_tail(norm: str) -> list[bool]:
    """For each piece: whether it is one of the short actions listed at the end of a name
    (伤残证件换发、补发; 社会保障卡补领、换领、换发): a resident says the one they need."""
    pieces = list(_PIECE.finditer(norm))
    out = [False] * len(pieces)
    end = len(norm.rstrip())
    k = len(pieces)
    while True:
        sep = norm.rfind("、", 0, end)
        if sep < 0:
            return out
        tail = [i for i in range(k) if pieces[i].start() > sep and pieces[i].end() <= end]
        if not tail or len(tail) > 4 or "(" in norm[sep:end] or ")" in norm[sep:end]:
            return out
        for i in tail:
            out[i] = True
        end, k = sep, tail[0]


def _bracketed(norm: str) -> list[bool]:
    """For each piece of ``norm`` (as _PIECE finds them): whether it stands inside brackets."""
    out: list[bool] = []
    depth = 0
    pos = 0
    for m in _PIECE.finditer(norm):
        between = norm[pos : m.start()]
        depth = max(
            0,
            depth
            + between.count("(")
            + between.count("[")
            - between.count(")")
            - between.count("]"),
        )
        out.append(depth > 0)
        pos = m.end()
    return out


def _weak_weights(pieces: Sequence[str], weak: Iterable[str]) -> list[float]:
    weights = [1.0] * len(pieces)
    joined = "".join(p if len(p) == 1 else "\0" for p in pieces)
    for word in weak:
        start = joined.find(word)
        while start >= 0:
            for k in range(start, start + len(word)):
                weights[k] = WEAK_WEIGHT
            start = joined.find(word, start + 1)
    return weights


def letter_tokens(text: str) -> list[Tok]:
    """Tokens of typed pinyin: full syllables, initials from a keypad, or both mixed."""
    out: list[Tok] = []
    for word in normalize(text).split():
        pieces = parse_letters(word) if word.isalpha() else ()
        if not pieces:
            out.append(Tok(word, (word,), word[:1]))
            continue
        for piece, full in pieces:
            if full:
                f = fold(piece)
                out.append(Tok(None, (f,), f[0]))
            else:
                out.append(Tok(None, (), fold(piece + "a")[0]))
    return out


@dataclass(slots=True)
class _Form:
    toks: list[Tok]
    total: float  # sum of weights
    pairs: dict[str, tuple[int, ...]]  # "syl syl" and "ii" keys -> start positions
    sounds: str  # "|gong|ji|jin|": main readings, for finding whole phrases with str.find
    # the same without what stands in brackets, and where each of its tokens is in ``toks``:
    # 食品经营 is said whole of 食品(含保健食品)经营许可核发 ("" and () for names without)
    bare_sounds: str = ""
    bare: tuple[int, ...] = ()


def _sounds(toks: Sequence[Tok]) -> str:
    return "|" + "|".join(t.syls[0] if t.syls else t.init for t in toks) + "|"


def _pair_keys(a: Tok, b: Tok) -> list[str]:
    if a.syls and b.syls:
        return [f"{x} {y}" for x in a.syls for y in b.syls]
    return [a.init + b.init]


_K = TypeVar("_K")
_V = TypeVar("_V")


def _memo(memo: dict[_K, _V], key: _K, size: int, make: Callable[[], _V]) -> _V:
    """``memo[key]``, made when missing; a full memo is emptied first (what is in use comes back
    at once, and no lru_cache of a bound method ties the engine to itself in a cycle)."""
    got = memo.get(key)
    if got is None:
        if len(memo) >= size:
            memo.clear()
        got = memo[key] = make()
    return got


def _form(text: str, weak: Iterable[str]) -> _Form:
    toks = text_tokens(text, weak, brackets=True)
    starts: dict[str, list[int]] = {}
    for j in range(len(toks) - 1):
        a, b = toks[j], toks[j + 1]
        for key in [*_pair_keys(a, b), a.init + b.init]:
            starts.setdefault(key, []).append(j)
    # tuples of ints, which the cyclic collector stops tracking: forms made while residents
    # search are not frozen with the catalog (kiosk.gcpause), and lists of them made each full
    # collection walk some 200,000 objects (100 ms) on a 100,000-matter catalog
    pairs = {key: tuple(at) for key, at in starts.items()}
    form = _Form(toks, sum(t.weight for t in toks) or 1.0, pairs, _sounds(toks))
    norm = normalize(text)
    if "(" in norm or "[" in norm:
        form.bare = tuple(i for i, inside in enumerate(_bracketed(norm)) if not inside)
        form.bare_sounds = _sounds([toks[i] for i in form.bare])
    return form


def _phrase_spans(form: _Form, sounds: str, size: int) -> list[range | list[int]]:
    """Token positions of each place a phrase (its ``sounds``, ``size`` tokens) stands whole in
    a name: as written, or else with what the name holds in brackets left out."""
    spans: list[range | list[int]] = [range(j, j + size) for j in _positions(form.sounds, sounds)]
    if not spans and form.bare:
        spans = [list(form.bare[j : j + size]) for j in _positions(form.bare_sounds, sounds)]
    return spans


@dataclass(slots=True)
class _Phrase:
    """A lexicon alternative of 2+ tokens: it explains its span only where it stands whole."""

    cover: tuple[int, ...]
    toks: list[Tok]
    keys: list[str]
    sounds: str
    factor: float = 0.95  # ALT_FACTOR, or INTENT_FACTOR for an action word's alternative
    # the phrase without its document word, for names that write it another way (房本 =>
    # 不动产权证 in 不动产权属登记: 不动产权); "" when there is none (see _head)
    head: str = ""


@dataclass(slots=True)
class _Item:
    """A pair of query tokens to look for in a matter, and the query positions it explains."""

    cover: tuple[int, ...]
    a: Tok
    b: Tok
    factor: float
    keys: list[str]
    written: bool = False  # the pair as said is a known word (see _match_form)


@dataclass(slots=True)
class _Query:
    """A query's pairs and phrases, filed by lookup key."""

    items: dict[str, list[_Item]]
    phrases: dict[str, list[_Phrase]]
    keys: set[str]
    memo: dict[int, tuple[list[float] | None, float]]  # id(form) -> _match_form(form)
    weights: list[float] = field(default_factory=list)  # per query token: _informative
    known: set[int] = field(default_factory=set)  # positions inside lexicon words
    things: list[tuple[int, int]] = field(default_factory=list)  # spans of lexicon thing-words
    talk: set[int] = field(default_factory=set)  # positions inside everyday function words
    lookup: set[str] = field(default_factory=set)  # keys to find candidates by

    @classmethod
    def of(cls, items: list[_Item], phrases: list[_Phrase]) -> _Query:
        by_item: dict[str, list[_Item]] = {}
        by_phrase: dict[str, list[_Phrase]] = {}
        seen: set[tuple] = set()
        for it in items:
            sig = (it.cover, it.a, it.b, it.factor)
            if sig in seen:
                continue
            seen.add(sig)
            for key in it.keys:
                by_item.setdefault(key, []).append(it)
        for ph in phrases:
            sig = (ph.cover, ph.sounds)
            if sig in seen:
                continue
            seen.add(sig)
            # one key is enough to file it: the form's sounds are searched whole
            by_phrase.setdefault(ph.keys[0], []).append(ph)
        query = cls(by_item, by_phrase, set(by_item) | set(by_phrase), {})
        # candidates are looked up by every pair of a phrase: a matter that writes 食品经营 whole
        # is likelier than one that shares only 食品 (see _candidates)
        query.lookup = set(query.keys)
        for ph in by_phrase.values():
            for p in ph:
                for a, b in pairwise(p.toks[1:]):
                    query.lookup.update(_pair_keys(a, b))
        return query


def _strength(a: Tok, b: Tok, fa: Tok, fb: Tok) -> float:
    if not (a.syls and b.syls):
        # keypad initials: where the query has a syllable it must agree
        if (a.syls and not set(a.syls) & set(fa.syls)) or (
            b.syls and not set(b.syls) & set(fb.syls)
        ):
            return 0.0
        return INITIALS
    if a.char is None and b.char is None:
        return TYPED
    if a.char == fa.char and b.char == fb.char:
        return EXACT
    if a.char != fa.char and b.char != fb.char:
        # neither character as written: a recognizer keeps one of two (设保, 低包); two wholly
        # other characters that sound alike are mostly other words (亲戚 is no 申请|启动)
        return SOUND_ONLY
    return SOUND


class SearchEngine:
    def __init__(
        self, catalog: Catalog, lexicon: Lexicon | None = None, region: str | None = None
    ) -> None:
        """``region``: where the terminal stands (四川省广安市广安区); by default what the
        catalog's own names and departments say (see ``_find_home``)."""
        self.lexicon = lexicon or load_lexicon()
        self.catalog = catalog
        self.matters: list[Matter] = catalog.enabled()
        # A provincial list publishes the same matter once per district (same name, aliases,
        # keywords, kind; another 实施主体). Those are one search entry, so that neither which
        # matter wins nor the cost depends on how many districts there are; the first in the
        # catalog stands for them (``variants`` gives the others).
        groups: dict[tuple, list[Matter]] = {}
        with gc_paused():  # 100,000 small lists and tuples, no cycles
            for m in self.matters:
                key = (m.name, tuple(m.aliases), tuple(m.keywords), m.category, m.kind)
                groups.setdefault(key, []).append(m)
        self._entries: list[Matter] = [g[0] for g in groups.values()]
        self._variants = {id(g[0]): g for g in groups.values() if len(g) > 1}
        self._weak = sorted(self.lexicon.weak, key=len, reverse=True)
        self._fillers = sorted(self.lexicon.fillers, key=len, reverse=True)
        self._max_filler = max((len(f) for f in self._fillers), default=1)
        self._max_talk = max((len(w) for w in self.lexicon.talk), default=0)
        self._max_place = max((len(w) for w in self.lexicon.places), default=0)
        self._max_action = max((len(w) for w in self.lexicon.actions), default=0)
        # fillers and weak words as typed in pinyin, a word of them at a time (see _letter_tokens)
        self._filler_sounds = _sounds_of(self.lexicon.fillers)
        self._weak_sounds = _sounds_of(self.lexicon.weak) - self._filler_sounds
        with gc_paused():
            self._build_index()
            self._build_lexicon_index()
            self.home = self._find_home(region)
        # numpy imports what np.unique needs on its first use (40 ms): at load, not on the first
        # resident's query that takes that path (see _candidates)
        np.unique(np.zeros(1, dtype=np.int32))
        self._form_cache: dict[str, _Form] = {}
        # per-matter memos in plain dicts: an lru_cache of a bound method would tie the engine
        # to itself in a cycle, and a dropped engine (a new catalog) must go by reference count
        # (see kiosk.gcpause: what is loaded is frozen out of the cyclic collector)
        self._forms_memo: dict[int, list[_Form]] = {}
        self._chars_memo: dict[int, frozenset[str | None]] = {}

    def variants(self, matter: Matter) -> list[Matter]:
        """Every enabled matter that shares ``matter``'s search entry (itself first)."""
        return self._variants.get(id(matter), [matter])

    # ----- index -----

    def _texts(self, m: Matter) -> list[str]:
        return [m.name, *m.aliases, *m.keywords]

    def _build_index(self) -> None:
        key_ids: dict[str, int] = {}
        known: set[str] = set()
        name_index: dict[str, list[int]] = {}
        flat_keys: list[int] = []
        flat_matters: list[int] = []  # how many keys each matter has, in order

        @lru_cache(maxsize=500_000)
        def pair_ids(a: str, b: str) -> tuple[int, ...]:
            known.add(a + b)
            return tuple(key_ids.setdefault(k, len(key_ids)) for k in _index_keys(a, b))

        @lru_cache(maxsize=200_000)
        def text_keys(norm: str) -> tuple[frozenset[int], str]:
            """Key ids and initials of one text; aliases recur across a catalog, so cache them."""
            chars = _PIECE.findall(norm)
            inits = "".join(map(_init_of, chars))
            return frozenset(chain.from_iterable(map(pair_ids, chars, chars[1:]))), inits

        blob: list[str] = []
        init_blob: list[str] = []
        matter_chars: list[set[str]] = []
        domain: dict[str, set[str]] = {}  # category -> the characters of its matters' texts
        for idx, m in enumerate(self._entries):
            # one normalization per matter: names, aliases and keywords hold no line break
            joined = normalize("\n".join(self._texts(m)))
            norms = joined.split("\n")
            chars = set(joined)
            chars.discard("\n")
            matter_chars.append(chars)
            domain_chars = domain.get(m.category)
            if domain_chars is None:
                domain[m.category] = set(chars)
            else:
                domain_chars |= chars
            for norm in norms:
                name_index.setdefault(norm, []).append(idx)
            per_text = list(map(text_keys, norms))
            keys = frozenset().union(*(k for k, _ in per_text))
            flat_keys.extend(keys)
            flat_matters.append(len(keys))
            blob.append(joined + "\n")
            init_blob.append("\n".join(i for _, i in per_text) + "\n")
        char_df = dict(Counter(chain.from_iterable(matter_chars)))
        # Every matter's texts (and their initials) in one string each: one-character queries and
        # keypad initials are found with str.find, which runs in C.
        self._blob = _Blob(blob)
        self._init_blob = _Blob(init_blob)

        # postings by sorting (key, matter) pairs once, instead of a Python append per pair
        kid = np.asarray(flat_keys, dtype=np.int32)
        mat = np.repeat(np.arange(len(flat_matters), dtype=np.int32), flat_matters)
        order = np.argsort(kid, kind="stable")
        kid, mat = kid[order], mat[order]
        bounds = np.flatnonzero(np.diff(kid)) + 1
        names = {i: k for k, i in key_ids.items()}
        n = max(len(self._entries), 1)
        self._postings = {}
        self._idf = {}
        for chunk_keys, chunk in zip(np.split(kid, bounds), np.split(mat, bounds), strict=True):
            if len(chunk):
                key = names[int(chunk_keys[0])]
                self._postings[key] = chunk
                self._idf[key] = math.log(1.0 + n / len(chunk))
        self._known_bigrams = known
        self._written = frozenset(known)  # the catalog's own pairs, before the lexicon's join
        self._exact = name_index
        self._char_df = char_df
        self._norm_names = {id(m): normalize(m.name) for m in self._entries}
        self._n = len(self._entries)
        self._idf_hi = math.log((self._n + 1) / (IDF_RARE * self._n + 1)) or 1.0
        # the characters of each category's matters (see Hit.alien)
        self._domain_chars = {k: frozenset(v) for k, v in domain.items()}

    def _build_lexicon_index(self) -> None:
        self._lex_single: dict[str, tuple[list[str], float]] = {}
        self._lex_multi: dict[str, list[tuple[list[Tok], list[str], float]]] = {}
        # lexicon words by their initials (mxb: 慢性病), for keypad input no name holds
        self._lex_initials: dict[str, list[str]] = {}
        self._owned: set[int] = set()  # id() of the tokens of terms in Lexicon.owned
        # outside words inside lexicon terms (网约车 in 跑网约车), looked up when first said: see
        # _named_through
        self._outside_terms: dict[str, list[tuple[str, set[str]]]] = {}
        self._max_term = max((len(t) for t in self.lexicon.alternatives), default=0)
        # terms for opening a business (开网吧, 开小吃店): said before 的 they name its owner
        self._opening = {t for t in self.lexicon.alternatives if t.startswith("开") and len(t) > 2}
        for term, alts in self.lexicon.alternatives.items():
            ordered = sorted(alts)[:MAX_ALTERNATIVES]
            # an action word (丢了 => 挂失) says how, not what: it explains less of the query
            factor = INTENT_FACTOR if term in self.lexicon.intents else ALT_FACTOR
            toks = text_tokens(term)
            if term in self.lexicon.owned:
                self._owned.add(id(toks))
            if len(toks) == 1:
                self._lex_single[toks[0].char or term] = (ordered, factor)
            elif len(toks) > 1:
                for key in _pair_keys(toks[0], toks[1]):
                    self._lex_multi.setdefault(key, []).append((toks, ordered, factor))
            inner = _inner_particles(term, self.lexicon)
            for j in range(len(toks) - 1):
                if j not in inner and j + 1 not in inner:
                    self._known_bigrams.add((toks[j].char or "") + (toks[j + 1].char or ""))
        # every lexicon word of 2+ characters, said or meant, by its initials: keypad initials of
        # the resident's own words (jzkf: 驾照 扣分) are read as a row of them (see _keypad_words)
        alternatives = self.lexicon.alternatives
        for word in sorted({*alternatives, *chain(*alternatives.values())}):
            toks = text_tokens(word)
            if len(toks) >= 2 and all(t.char and t.syls for t in toks):
                self._lex_initials.setdefault("".join(t.init for t in toks), []).append(word)
        self._present: dict[str, frozenset[int] | None] = {}

    def _find_home(self, region: str | None) -> tuple[str, str] | None:
        """The terminal's province and city ("" when unknown), from ``region`` or else from the
        places the catalog names (广安区税务局, 四川省老年人优待证); None when they disagree or
        there are none: then no place is read as 跨省 or 省内."""
        if region:
            home = home_in(self.lexicon, Counter([normalize(region)]), least=1)
            if home is not None:
                return home
        # the first HOME_SAMPLE matters say it as well as 100,000; one stray name (下放成都等８市)
        # says nothing of where the terminal is
        sample = Counter(normalize(f"{m.name} {m.department}") for m in self._entries[:HOME_SAMPLE])
        return home_in(self.lexicon, sample, least=2)

    def _text_of(self, idx: int) -> str:
        """A matter's texts, normalized, as the blob already holds them."""
        return self._blob.text[self._blob.starts[idx] : self._blob.starts[idx + 1]]

    def _chars(self, idx: int) -> frozenset[str | None]:
        return _memo(
            self._chars_memo,
            idx,
            MATTER_MEMO,
            lambda: frozenset(t.char for f in self._forms(idx) for t in f.toks),
        )

    def _forms(self, idx: int) -> list[_Form]:
        """Name, aliases, keywords, then the category. Keywords and the category explain the
        resident's words but are no name: how much of a matter was named (``m_cov``) is measured
        on the name and aliases only (a keyword said, 记分, is not 驾驶证记分查询 named)."""
        return _memo(self._forms_memo, idx, MATTER_MEMO, lambda: self._matter_forms(idx))

    def _matter_forms(self, idx: int) -> list[_Form]:
        m = self._entries[idx]
        return [self._form_of(t) for t in [*self._texts(m), m.category]]

    def _form_of(self, text: str) -> _Form:
        """One _Form per distinct text: counties publish the same aliases many times over."""
        return _memo(self._form_cache, text, FORM_MEMO, lambda: _form(text, self._weak))

    # ----- query -----

    def _strip_fillers(self, text: str) -> str:
        return self._strip("".join(_SPLIT.split(normalize(text))))[0]

    def _strip(self, s: str) -> tuple[str, list[int]]:
        """``s`` without its filler words, and the position in ``s`` of each character kept."""
        out: list[str] = []
        kept: list[int] = []
        i = 0
        while i < len(s):
            # a filler that ends a known word begun before fillers taken out (报个到: 报到)
            joins = bool(kept) and kept[-1] < i - 1 and out[-1] + s[i] in self._known_bigrams
            sizes = [] if joins else self._filler_sizes(s, i)
            if sizes:
                # the filler after which the most is filler too: 要|啥子, not 要啥|子
                i += max(sizes, key=lambda k: k + max(self._filler_sizes(s, i + k), default=0))
            else:
                out.append(s[i])
                kept.append(i)
                i += 1
        return "".join(out), kept

    def _filler_sizes(self, s: str, i: int) -> list[int]:
        """Lengths of the filler words that may be taken out at ``s[i]``, longest first."""
        return [
            size
            for size in range(min(self._max_filler, len(s) - i), 0, -1)
            if s[i : i + size] in self.lexicon.fillers and not self._protected(s, i, i + size)
        ]

    def _protected(self, s: str, start: int, end: int) -> bool:
        """True when a filler joins a known word across its edge (去 in 去世, 个 in 个人)."""
        known = self._known_bigrams
        if start > 0 and s[start - 1 : start + 1] in known:
            return True
        after = s[end - 1 : end + 1]
        if end - start == 1:
            return after in known
        # a filler word of two or more characters (啥子) is kept for a lexicon term said across
        # its end (还有好多), not for a term the pair is only part of (啥子证: 种子证)
        return after in self._written or (after in known and self._term_across(s, end))

    def _term_across(self, s: str, at: int) -> bool:
        """Does a lexicon term stand in ``s`` over both ``s[at - 1]`` and ``s[at]``?"""
        terms, longest = self.lexicon.alternatives, self._max_term
        for a in range(max(0, at - longest + 1), at):
            for b in range(at + 1, min(len(s), a + longest) + 1):
                if s[a:b] in terms:
                    return True
        return False

    def tokens(self, query: str) -> list[Tok]:
        return self._tokens(query)[0]

    def _tokens(self, query: str) -> tuple[list[Tok], set[int], list[tuple[int, int, str]]]:
        """The query's tokens, the positions of those inside everyday function words, and the
        places named (token span, name)."""
        norm = normalize(query)
        if not _CJK.search(norm) and re.search(r"[a-z]", norm):
            return self._letter_tokens(norm), set(), []
        s = "".join(_SPLIT.split(norm))
        stripped, kept = self._strip(s)
        toks = text_tokens(stripped, self._weak)
        if not toks:
            return toks, set(), []
        # function words are found in what was said, before the fillers go: 到底 is talk, and
        # so is its 底 when the filler 到 has been taken out
        in_talk = self._words_at(s, self.lexicon.talk, self._max_talk)
        in_talk += [m.span() for m in _AMOUNT.finditer(s) if _MAGNITUDE & set(m.group())]
        spans = self._words_at(s, self.lexicon.places, self._max_place)
        in_place = {i for start, end in spans for i in range(start, end)}
        starts = [kept[m.start()] for m in _PIECE.finditer(stripped)]
        places = []
        for start, end in spans:
            at = [i for i, pos in enumerate(starts) if start <= pos < end]
            if at:
                places.append((at[0], at[-1] + 1, s[start:end]))
        # 从达州搬过来, 在广州打工: where, not what;
        # 挂失的社保卡要解冻: the card's state, not the request
        toks = _lighter(toks, starts, in_place, PLACE_WEIGHT)
        toks = _lighter(toks, starts, self._described_actions(s), WEAK_WEIGHT)
        # a filler kept because it joins a known word across its edge (了 of 走了, 的 of 的士)
        # is still the resident's filler where no matter uses that word: known talk too
        fillers = self.lexicon.fillers
        known_talk = {i for start, end in in_talk for i in range(start, end)} | in_place
        talk = {i for i, at in enumerate(starts) if at in known_talk or s[at] in fillers}
        return toks, talk, places

    def _described_actions(self, s: str) -> set[int]:
        """Positions of an action word said of a thing, before 的 and the thing (挂失的社保卡,
        注销了的户口): how the thing stands, not what the resident asks for now."""
        out: set[int] = set()
        for start, end in _word_spans(s, self.lexicon.actions, self._max_action):
            rest = s[end:]
            rest = rest[1:] if rest.startswith("了") else rest
            if rest.startswith("的") and len(rest) >= 3:
                out.update(range(start, end))
        # 开早餐店的 (那家包子好吃), 有没有开补胎店的: the one who runs it, not a licence asked for
        for start, end in _word_spans(s, self._opening, self._max_term):
            if s[end : end + 1] == "的":
                out.update(range(start, end))
        return out

    def _letter_tokens(self, norm: str) -> list[Tok]:
        """Typed pinyin, word by word: a word that is a filler said in pinyin (wo, yixia, zenme)
        is left out, and one that is a weak word (shenqing, banli) counts lightly, as they would
        in characters; the rest as letter_tokens reads it. All left out: read as typed."""
        words = [letter_tokens(word) for word in norm.split()]
        out: list[Tok] = []
        for n, toks in enumerate(words):
            sound = " ".join(t.syls[0] if t.syls else "?" for t in toks)
            if (
                sound in self._filler_sounds
                and not self._joins_term(words, n)
                and not self._in_names(toks)  # zhidao: 知道 is a filler, 指导 a service word
            ):
                continue
            if sound in self._weak_sounds:
                toks = [replace(t, weight=min(t.weight, WEAK_WEIGHT)) for t in toks]
            out += toks
        return out or letter_tokens(norm)

    def _in_names(self, toks: list[Tok]) -> bool:
        """Some name or alias holds these syllables in a row (by their index pairs)."""
        return all(any(k in self._postings for k in _pair_keys(a, b)) for a, b in pairwise(toks))

    def _joins_term(self, words: list[list[Tok]], n: int) -> bool:
        """Typed word ``n`` begins or ends a lexicon term with its neighbour (cha yixia: 查一下)."""
        pairs = []
        if n > 0 and words[n - 1]:
            pairs.append((words[n - 1][-1], words[n][0]))
        if n + 1 < len(words) and words[n + 1]:
            pairs.append((words[n][-1], words[n + 1][0]))
        return any(k in self._lex_multi for a, b in pairs for k in _pair_keys(a, b))

    def _words_at(self, s: str, words: set[str], longest: int) -> list[tuple[int, int]]:
        """Spans of ``s`` that are words of ``words`` (everyday function words, places),
        except where a word's edge character forms a word the catalog or the lexicon knows
        (本 in 户口本)."""
        return _word_spans(s, words, longest, self._protected)

    def _places_apart(
        self, places: list[tuple[int, int, str]], norm: str
    ) -> tuple[tuple[str, ...], set[str]]:
        """Where the 户口 is (户口在河南: _REGISTERED_AT) and another place the resident names (在
        广安打工), in different provinces, make the 户口's place 跨省 whatever the terminal's home;
        in one province but different cities, 省内. The other place is read as the home would be:
        not at all. Returns what the 户口's place reads as and those places; ((), set()) when the
        query does not say where the 户口 is, or names no other place apart from it: two places of
        a move (户口从重庆迁到广安) or a trip are no such pair."""
        ends = [m.end() for m in _REGISTERED_AT.finditer(norm)]
        registered = {word for _, _, word in places if any(norm.startswith(word, e) for e in ends)}
        where = {word: w for _, _, word in places if (w := self.lexicon.regions.get(word))}
        for word in registered & where.keys():
            a = where[word]
            for other, b in where.items():
                if other in registered:
                    continue
                if not {p for p, _ in a} & {p for p, _ in b}:
                    return ("跨省", "省际", "异地"), registered
                if all(pa == pb and ca and cb and ca != cb for pa, ca in a for pb, cb in b):
                    return ("省内", "异地"), registered
        return (), set()

    def _place_alternatives(
        self,
        places: list[tuple[int, int, str]],
        apart: tuple[tuple[str, ...], set[str]] = ((), set()),
    ) -> list[tuple[int, int, list[Tok], float]]:
        """A place the resident names, read against the terminal's home: another province is
        跨省 (我是贵州人), another city of its own province 省内 (人在成都打工), and both 异地, as
        the lexicon's 外省 / 外县 say how (intents.txt). Where the terminal stands unknown, any
        place is only 异地: which kind is not known, and the home itself may be the place named
        (在广安办身份证, 我是四川人), so the twins tie and are suggested, not guessed."""
        province, city = self.home or ("", "")
        found = []
        seen: set[tuple[int, str]] = set()
        for start, end, word in places:
            where = self.lexicon.regions.get(word, set())
            if not where or (start, word) in seen:
                continue
            seen.add((start, word))
            if not province and apart[0]:
                if word not in apart[1]:
                    continue  # where the resident is: as the home would be, not read
                said: tuple[str, ...] = apart[0]
            elif not province:
                said = ("异地",)
            elif all(p != province for p, _ in where):
                said = ("跨省", "省际", "异地")  # 省际: between provinces (调运检疫)
            elif city and all(p == province and c and c != city for p, c in where):
                said = ("省内", "异地")
            else:
                continue
            found += [(start, end, text_tokens(w), INTENT_FACTOR) for w in said]
        return found

    def _alternatives(
        self, toks: list[Tok], owner: bool = True, owned_at: set[int] | None = None
    ) -> list[tuple[int, int, list[Tok], float]]:
        """Lexicon spans in the query: (start, end, tokens of an alternative, its factor); a
        business said bare (Lexicon.owned) only if ``owner``, its positions added to
        ``owned_at``."""
        skip = set() if owner else self._owned
        found: list[tuple[int, int, list[Tok], float]] = []
        for i, t in enumerate(toks):
            if t.char and t.char in self._lex_single:
                alts, factor = self._lex_single[t.char]
                found += [(i, i + 1, text_tokens(a), factor) for a in alts]
            if i + 1 >= len(toks) or not (t.syls and toks[i + 1].syls):
                continue
            seen: set[int] = set()
            for key in _pair_keys(t, toks[i + 1]):
                for term, alts, factor in self._lex_multi.get(key, ()):
                    if id(term) in seen or id(term) in skip or not _sounds_like(toks, i, term):
                        continue
                    seen.add(id(term))
                    end = i + len(term)
                    found += [(i, end, _alt_tokens(a), factor) for a in alts]
                    self._mark_owned(term, range(i, end), owned_at)
                    if any(q.char != t.char for q, t in zip(toks[i:end], term, strict=True)):
                        # heard by sound or typed in pinyin (签出, qianchu): the word itself was
                        # said too, so a name with it is no twin whose action went unsaid
                        word = "".join(t.char or "" for t in term)
                        found.append((i, end, _alt_tokens(word), factor))
            found += self._split_word(toks, i, skip, owned_at)
            found += self._particle_inside(toks, i, skip, owned_at)
        return found

    def _particle_inside(
        self,
        toks: list[Tok],
        i: int,
        skip: frozenset[int] | set[int] = frozenset(),
        owned_at: set[int] | None = None,
    ) -> list[tuple[int, int, list[Tok], float]]:
        """A lexicon term of three or more characters said with 的 or 个 inside (退伍的钱: 退伍钱),
        where the particle stayed because it joins a known word: as written only, the particle
        explained with it."""
        found: list[tuple[int, int, list[Tok], float]] = []
        for k in range(i + 1, min(i + MAX_TERM, len(toks) - 1)):
            if toks[k].char not in INSIDE_PARTICLES:
                continue
            if toks[k].char == "的" and k - i < 2:
                break  # 开的奶茶店 is a shop someone opened (新开的), not 开奶茶店 asked for
            said = toks[i:k] + toks[k + 1 : i + MAX_TERM + 1]
            if len(said) < 2 or not (said[0].syls and said[1].syls):
                continue
            for key in _pair_keys(said[0], said[1]):
                for term, alts, factor in self._lex_multi.get(key, ()):
                    size = len(term)
                    if (
                        id(term) not in skip
                        and size >= 3
                        and k - i < size <= len(said)
                        and all(q.char == t.char for q, t in zip(said, term, strict=False))
                    ):
                        found += [(i, i + size + 1, _alt_tokens(a), factor) for a in alts]
                        self._mark_owned(term, range(i, i + size + 1), owned_at)
            break  # one particle: 我的的钱 is no word
        return found

    def _split_word(
        self,
        toks: list[Tok],
        i: int,
        skip: frozenset[int] | set[int] = frozenset(),
        owned_at: set[int] | None = None,
    ) -> list[tuple[int, int, list[Tok], float]]:
        """A two-character lexicon word said apart, with light words between (住半个月院: 住院,
        当两年兵: 当兵, 砍自家的树: 砍树): as written only, the light words explained with it."""
        found: list[tuple[int, int, list[Tok], float]] = []
        t = toks[i]
        gap = 0  # light words, not counting a count (两百多头, 十几年: 养猪, 挖煤)
        for j in range(i + 2, min(i + 2 + SPLIT_GAP + MAX_COUNT, len(toks))):
            light = toks[j - 1]
            if light.char in _COUNT:
                if j - i - 1 - gap > MAX_COUNT:
                    break
            elif light.weight < 1.0 or light.char in self.lexicon.fillers:
                gap += 1
                if gap > SPLIT_GAP:
                    break
            else:
                break
            b = toks[j]
            if not (t.char and b.char and t.syls and b.syls):
                continue
            for key in _pair_keys(t, b):
                for term, alts, factor in self._lex_multi.get(key, ()):
                    if (
                        len(term) == 2
                        and id(term) not in skip
                        and term[0].char == t.char
                        and term[1].char == b.char
                    ):
                        found += [(i, j + 1, _alt_tokens(a), factor) for a in alts]
                        self._mark_owned(term, range(i, j + 1), owned_at)
        return found

    def _mark_owned(self, term: list[Tok], span: range, owned_at: set[int] | None) -> None:
        """A business said bare (Lexicon.owned) is known talk only for its own licences."""
        if owned_at is not None and id(term) in self._owned:
            owned_at.update(span)

    def _items(
        self, toks: list[Tok], alternatives: list[tuple[int, int, list[Tok], float]]
    ) -> tuple[list[_Item], list[_Phrase]]:
        items: list[_Item] = []
        phrases: list[_Phrase] = []

        def add(cover: Iterable[int], a: Tok, b: Tok, factor: float) -> None:
            written = a.char is not None and b.char is not None and a.char + b.char in self._written
            items.append(_Item(tuple(cover), a, b, factor, _pair_keys(a, b), written))

        for i in range(len(toks) - 1):
            add((i, i + 1), toks[i], toks[i + 1], 1.0)
        for start, end, alt, factor in alternatives:
            if not alt:
                continue
            span = range(start, end)
            if len(alt) > 1:
                keys = _pair_keys(alt[0], alt[1])
                head = _head(alt)
                phrases.append(_Phrase(tuple(span), alt, keys, _sounds(alt), factor, head))
                continue
            # A one-character alternative pairs with its neighbours: 买气 -> 购气, 交电费 -> 缴电费.
            if start > 0:
                add((start - 1, *span), toks[start - 1], alt[0], factor)
            if end < len(toks):
                add((*span, end), alt[0], toks[end], factor)
        return items, phrases

    def _initials_candidates(self, toks: list[Tok]) -> list[int]:
        """Matters whose initials hold the typed run, or failing that its longest pieces."""
        q = "".join(t.init for t in toks)[:MAX_INITIALS]
        found: list[int] = []
        seen: set[int] = set()
        # a run can only be in the blob if each of its letter pairs is: look those up first,
        # and bound the look-ups, so that any string of letters costs a bounded number of scans
        pairs = [q[i : i + 2] in self._init_blob.text for i in range(len(q) - 1)]
        budget = MAX_INITIAL_SCANS
        for size in range(len(q), 1, -1):
            for start in range(len(q) - size + 1):
                if budget <= 0 or not all(pairs[start : start + size - 1]):
                    continue
                budget -= 1
                limit = CANDIDATES - len(found)
                found += self._init_blob.matters(q[start : start + size], limit, seen)
            if len(found) >= CANDIDATES // 2 or budget <= 0:
                break
        return found

    def _candidates(self, query: _Query, toks: list[Tok]) -> np.ndarray:
        n = len(self._entries)
        acc = np.zeros(n, dtype=np.float32)
        for key in query.keys:
            post = self._postings.get(key)
            if post is not None:
                acc[post] += self._idf[key]
        hit = np.flatnonzero(acc)
        if len(hit) > CANDIDATES:
            hit = hit[np.argpartition(-acc[hit], CANDIDATES)[:CANDIDATES]]
        # ... and those that write more of a lexicon phrase than its first pair (开小吃店 =>
        # 食品经营: 食品(含保健食品)经营许可核发), a few more, never instead of the above
        more = [
            (k, p) for k in query.lookup - query.keys if (p := self._postings.get(k)) is not None
        ]
        if more:
            for key, post in more:
                acc[post] += self._idf[key]
            ahead = np.unique(np.concatenate([post for _, post in more]))
            if len(ahead) > RARE_EXTRA:
                ahead = ahead[np.argpartition(-acc[ahead], RARE_EXTRA)[:RARE_EXTRA]]
            hit = np.asarray(sorted({*hit.tolist(), *ahead.tolist()}), dtype=hit.dtype)
        # a rare word the resident said (卖猪 开 检疫 证明: 检疫) is looked at however much common
        # words and lexicon alternatives (证明, 开 => 开具) add up to in other matters
        few = min(max(RARE_PAIR, int(IDF_RARE * n)), RARE_MAX)
        rare = []
        looked: set[tuple[str, str]] = set()
        for a, b in pairwise(toks):
            said = (a.char or "") + (b.char or "")
            for key in _pair_keys(a, b) if a.syls and b.syls else ():
                if (said, key) in looked:  # a long query says the same pair many times
                    continue
                looked.add((said, key))
                post = self._postings.get(key)
                if post is not None and len(post) <= few:
                    # as said, not only as heard: 放生 is no 发放（信息 with 信 read shen
                    written = [i for i in post if said in self._text_of(int(i))]
                    if written:
                        rare.append(np.asarray(written, dtype=post.dtype))
        if rare:
            rare.sort(key=len)
            extra = list(dict.fromkeys(np.concatenate(rare).tolist()))[:RARE_EXTRA]
            # plain sets: np.union1d imports a numpy submodule on first use (40 ms, once)
            hit = np.asarray(sorted({*hit.tolist(), *extra}), dtype=hit.dtype)
        return hit

    def _informative(self, toks: list[Tok]) -> list[float]:
        """Weight of each query token: its lexical weight times how rare its character is here.

        A character most matters share (证, 申, 理) says little about which one is meant; one the
        catalog does not have at all keeps its full weight, so unknown talk still counts against
        a match (out-of-scope speech stays out).
        """
        out = []
        for t in toks:
            w = t.weight
            df = self._char_df.get(t.char or "", 0) if t.char else 0
            if df:
                idf = math.log((self._n + 1) / (df + 1))
                w *= IDF_FLOOR + (1 - IDF_FLOOR) * min(1.0, idf / self._idf_hi)
            out.append(w)
        return out

    def _score(self, idx: int, toks: list[Tok], query: _Query, intents: set[Kind]) -> Hit:
        forms = self._forms(idx)
        m = self._entries[idx]
        if all(not t.syls for t in toks):
            return self._initials_score(m, toks, forms[:-1])
        qcov = [0.0] * len(toks)
        best_m = 0.0
        last = 1 + len(m.aliases)  # names and aliases say how much of a matter was named
        for n_form, form in enumerate(forms):
            got = query.memo.get(id(form))
            if got is None:
                got = query.memo[id(form)] = _match_form(form, query, len(toks))
            fq, fm = got
            if fq is not None:
                qcov = [a if a >= b else b for a, b in zip(qcov, fq, strict=True)]
            if n_form < last and fm > best_m:
                best_m = fm
        chars = self._chars(idx)
        for i, t in enumerate(toks):
            if qcov[i] < LONE_CHAR and t.char in chars and t.weight == 1.0:
                qcov[i] = LONE_CHAR
        weights = query.weights
        explained = sum(c * w for c, w in zip(qcov, weights, strict=True))
        # the query names a thing the lexicon knows (身份证, 领养, 工伤) and this matter has no
        # word of it: it is about something else, however much else it explains
        missing = any(min(qcov[start:end]) < 0.5 for start, end in query.things)
        if query.known and explained >= KNOWN_EXPLAINED:
            # resident vocabulary (过期, 孩子) this matter has no use for says little against it,
            # once the matter explains more than a word of the query
            weights = [
                w * KNOWN_UNUSED if c == 0.0 and i in query.known else w
                for i, (w, c) in enumerate(zip(weights, qcov, strict=True))
            ]
        q_cov = explained / (sum(weights) or 1.0)
        # foreign: unexplained and unknown; alien: of those, what no matter of its own domain
        # uses either (医院 is a 医保 word)
        foreign = alien = 0.0
        domain = self._domain_chars.get(m.category, _NOTHING)
        known, talk = query.known, query.talk
        for i, (w, c, t) in enumerate(zip(query.weights, qcov, toks, strict=True)):
            if c < LONE_CHAR and t.weight >= 1.0 and i not in known and i not in talk:
                foreign += w
                if t.char not in domain:
                    alien += w
        covered = literal = 0
        for i, (c, t) in enumerate(zip(qcov, toks, strict=True)):
            if c >= 0.5:
                covered |= 1 << i
                if t.char in chars:
                    literal |= 1 << i
        score = W_QUERY * q_cov + W_MATTER * best_m + (KIND_BONUS if m.kind in intents else 0.0)
        if missing:
            score -= THING_MISSING
        return Hit(
            m,
            max(0.0, min(score, 1.0)),
            q_cov,
            best_m,
            explained,
            foreign=foreign,
            alien=alien,
            covered=covered,
            literal=literal,
        )

    @staticmethod
    def _initials_score(m: Matter, toks: list[Tok], forms: list[_Form]) -> Hit:
        """Keypad initials (gjjcx): the letters must run together in one name or alias."""
        q = "".join(t.init for t in toks)
        best_q = best_m = 0.0
        for form in forms:
            inits = "".join(t.init for t in form.toks)
            run = _longest_common_run(q, inits)
            q_cov, m_cov = run / len(q), run / max(len(inits), 1)
            if (q_cov, m_cov) > (best_q, best_m):
                best_q, best_m = q_cov, m_cov
        score = INITIALS * (W_QUERY * best_q + W_MATTER * best_m)
        return Hit(m, score, best_q, best_m)

    def search(self, query: str, top: int = 5) -> SearchResult:
        """Best matters for ``query``. Cost grows with the query's length, so a query longer than
        MAX_QUERY characters is searched by its first MAX_QUERY (with a note saying so)."""
        started = time.perf_counter()
        note = None
        if len(query) > MAX_QUERY:
            note = f"查询太长，只按前 {MAX_QUERY} 个字查找"
        cut = query[:MAX_QUERY]
        hits, matched = self._search(cut)
        # a word typed as initials among others (sfz 过期 换): what it likely stands for is
        # suggested, never sure (bgm, zzz, dbq are read as some lexicon word too)
        if not matched and (read := self._initials_read(cut)) != cut:
            hits = self._search(read)[0] or hits
        letters = normalize(query).strip()
        # a keypad run read as syllables where it can (ydjyba: ... ba) may be initials only
        if (
            not matched
            and 3 <= len(letters) <= MAX_INITIALS
            and letters.isascii()
            and letters.isalpha()
            and any(t.syls for t in self.tokens(letters))
        ):
            initials = [Tok(None, (), fold(ch + "a")[0]) for ch in letters]
            again, ok = self._search(letters, initials)
            if ok:
                hits, matched = again, ok
        if not hits:  # jzz zenme ban: a typed word alone may still be found (suggested only)
            said = normalize(query[:MAX_QUERY]).split()
            typed = [w for w in dict.fromkeys(said) if w.isascii() and w.isalpha()]
            for word in (
                sorted(typed, key=len, reverse=True)[:MAX_RETRIED] if len(typed) > 1 else ()
            ):
                if hits := self._search(word)[0]:
                    break
        if not matched:
            hits = _varied(hits)
        ms = (time.perf_counter() - started) * 1000
        return SearchResult(query, matched, hits[:top], ms, note)

    def _initials_read(self, query: str) -> str:
        """A word typed as initials among other words (sfz 过期 换, sbk mima): each such word is
        read as the likeliest lexicon word of those initials that leads to this catalog (sfz:
        身份证), as a keypad run alone already is; what that finds is only suggested. At most
        MAX_RETRIED words, of 3 or 4 letters: two are too often two words alike (jz: 驾照,
        救助)."""
        said = normalize(query).split()
        if len(said) < 2:
            return query
        # among typed pinyin (sfz daoqi le) the word is put in pinyin too, so that the query is
        # still read as typed pinyin
        typed = not _CJK.search(query)
        read = 0
        for n, word in enumerate(said):
            if read >= MAX_RETRIED or not (3 <= len(word) <= 4 and word.isascii()):
                continue
            if word.isalpha() and not any(t.syls for t in letter_tokens(word)):
                rows = [r for r in self._keypad_words(word) if len(r) == 1]
                if rows:
                    said[n] = "".join(lazy_pinyin(rows[0][0])) if typed else rows[0][0]
                    read += 1
        return " ".join(said) if read else query

    def _search(self, query: str, letters: list[Tok] | None = None) -> tuple[list[Hit], bool]:
        toks, talk, places = (letters, set(), []) if letters is not None else self._tokens(query)
        if not toks:
            return [], False
        exact = self._exact.get(normalize(query).replace(" ", ""), [])
        if len(toks) == 1:
            hits = [Hit(self._entries[i], 1.0, 1.0, 1.0) for i in exact]
            return hits + self._lone_token(toks[0], exclude=set(exact)), bool(exact)
        # what was said without the recognizer's spaces (银行 卡 is 银行卡), to look for words in
        norm = "".join(_SPLIT.split(normalize(query)))
        intents = {k for k, words in _INTENT.items() if any(w in norm for w in words)}
        owner = bool(_OWNER_CUE.search(norm)) and not _CUSTOMER.search(norm)
        owned_at: set[int] = set()
        said_as = self._alternatives(toks, owner, owned_at)
        apart = self._places_apart(places, norm)
        alternatives = said_as + self._place_alternatives(places, apart)
        items, phrases = self._items(toks, alternatives)
        query = _Query.of(items, phrases)
        query.weights = self._informative(toks)
        # the resident's own known words; a place read as 跨省 / 省内 is no more known than before
        # ... but a business said bare is known only to its licences (网吧 要 登记 身份证 吗 is
        # no 居民身份证 request): elsewhere it is the resident's own content
        query.known = {i for start, end, *_ in said_as for i in range(start, end)} - owned_at
        # everyday function words (talk.txt): never foreign content, but not counted lighter
        # either (that matched CrossWOZ talk: 太好了 它家电话你知道吗)
        query.talk = talk
        # things the query names: lexicon words of full weight (申请, 办理 say how, not what)
        query.things = sorted(
            {
                (a[0], a[1])
                for a in alternatives
                if a[1] - a[0] >= 2
                and a[3] == ALT_FACTOR
                and any(toks[i].weight >= 1.0 for i in range(a[0], a[1]))
            }
        )
        # query positions explained only as intent words (多少 => 查询): how, not what
        intent_mask = 0
        for start, end, _, factor in alternatives:
            if factor == INTENT_FACTOR:
                intent_mask |= ((1 << (end - start)) - 1) << start
        for start, end, _, factor in alternatives:
            if factor != INTENT_FACTOR:
                intent_mask &= ~(((1 << (end - start)) - 1) << start)
        complained = any(w in norm for w in _COMPLAIN)
        initials_only = all(not t.syls for t in toks)
        found = self._initials_candidates(toks) if initials_only else self._candidates(query, toks)
        hits = [self._score(int(i), toks, query, intents) for i in found]
        if self.lexicon.actions and not initials_only:
            alts = ("".join(t.char or "" for t in a[2]) for a in alternatives)
            said = "|".join([norm, *alts])
            hits = [self._unsaid_action(h, said) for h in hits]
        hits.sort(key=lambda h: (-h.score, -h.m_cov, h.matter.id))
        longer = hits[0] if hits else None
        hits = self._named_plain_first(hits)
        plain = hits[0] if hits and hits[0] is not longer else None
        if complained:
            hits = _complaint_first(hits)
        top = hits[0] if hits else None
        # the longer twin the plain service was named ahead of (家庭经济困难儿童提供最低生活保障
        # for 低保) is no rival, and a plain service named whole needs a situation's lead only
        rivals = [h for h in hits[1:] if h is not longer or top is longer]
        second = rivals[0] if rivals else None
        plain_named = (
            plain is not None
            and top is plain
            and _unalien_lead(plain, second, intent_mask, SITUATION_MARGIN)
        )
        matched = bool(
            top
            and (
                (top.score + top.unsaid >= MIN_SCORE and _confident(top, Kind.COMPLAINT in intents))
                or _complaint_named(top, second, complained)
                or _situation_winner(top, second, intent_mask)
                or _clear_winner(top, second, intent_mask)
                or _named_rest_known(top, second, intent_mask)
                or _named_far_ahead(top, second, intent_mask)
                or _all_said(top, second, intent_mask)
                or _plain_twin(top, hits, intent_mask)
                or plain_named
            )
        ) and not (top is not None and self._outside(norm, top.matter, complained))
        matched = matched and not _asks_the_way(norm)
        # a near-twin close behind that reads the place the resident named (户口在成都: 异地) and
        # explains all the best hit does: both are suggested, not guessed. A best hit that
        # explains more (身份证在深圳丢了: 挂失) still stands.
        place_mask = sum(1 << i for start, end, _ in places for i in range(start, end))
        if (
            matched
            and top is not None
            and second is not None
            and second.score > top.score - CLEAR_MARGIN
            # with the home known the twins read the place apart (跨省 / 省内); unknown, alike
            and second.covered
            & place_mask
            & (~top.covered if self.home or apart[0] else place_mask)
            and not top.covered & ~second.covered
        ):
            matched = False
        if initials_only:  # keypad initials: every letter, in one run
            matched = matched and top is not None and top.q_cov >= 1.0
            if not matched:
                return self._initials_as_words(toks, hits)
        return hits, matched

    def _initials_as_words(self, toks: list[Tok], hits: list[Hit]) -> tuple[list[Hit], bool]:
        """Keypad initials no name or alias holds in one run may be the resident's own words the
        lexicon knows (mxb: 慢性病 => 门诊慢特病; jzkf: 驾照 扣分; yljcx: 养老金 查询). Readings of
        the letters as a row of such words are searched, likeliest first; the best matched
        reading wins when every matched reading close to it agrees on the matter (jz is 驾照
        and 救助 alike). A reading matched almost wholly (KEYPAD_SURE) ends the search early."""
        found = []
        for words in self._keypad_words("".join(t.init for t in toks)):
            got, matched = self._search(" ".join(words))
            # a row of words must be explained whole, and well: two words of two letters fit
            # some matter by chance (random letters: see docs/benchmarks.md, session 7)
            sure = len(words) == 1 or (
                got and got[0].q_cov >= KEYPAD_QCOV and got[0].score >= KEYPAD_SCORE
            )
            if matched and got and sure:
                found.append(got)
                if got[0].score >= KEYPAD_SURE:
                    break
        if not found:
            return hits, False
        best = max(found, key=lambda f: f[0].score)
        close = {id(f[0].matter) for f in found if best[0].score - f[0].score < CLEAR_MARGIN}
        return (best, True) if len(close) == 1 else (hits, False)

    def _keypad_words(self, letters: str) -> list[tuple[str, ...]]:
        """Readings of keypad letters as up to KEYPAD_PIECES lexicon words of 2+ characters that
        lead to this catalog (the word, or what it stands for, is in some matter's text). The
        likeliest come first: fewer words, then more of them written in one matter's text
        (燃气 充值 缴费 before 燃气 充值 建房); KEYPAD_READINGS of them, so any letters cost a
        bounded search."""

        def words(piece: str) -> list[str]:
            out = []
            for w in self._lex_initials.get(piece, ()):
                if w not in self._present:
                    # the matters that write the word (up to KEYPAD_WRITTEN of them); an empty
                    # set if none does but one writes what it stands for; None if neither
                    written = frozenset(self._blob.matters(normalize(w), KEYPAD_WRITTEN))
                    alts = sorted(self.lexicon.alternatives.get(w, ()))[:8]
                    meant = any(self._blob.matters(normalize(x), 1) for x in alts)
                    self._present[w] = written or (frozenset() if meant else None)
                if self._present[w] is not None:
                    out.append(w)
            return out

        readings: list[tuple[str, ...]] = []

        def walk(at: int, row: tuple[str, ...]) -> None:
            if len(readings) >= KEYPAD_GENERATED:
                return
            if at == len(letters):
                readings.append(row)
                return
            if len(row) == KEYPAD_PIECES:
                return
            for end in range(len(letters), at + 1, -1):
                for w in words(letters[at:end]):
                    walk(end, (*row, w))

        def together(row: tuple[str, ...]) -> int:
            """How many of the reading's words one matter writes, at most."""
            counts = Counter(chain.from_iterable(self._present[w] or () for w in row))
            return max(counts.values(), default=0)

        if len(letters) <= MAX_INITIALS:
            walk(0, ())
        readings.sort(key=lambda row: (len(row), -together(row)))
        return readings[:KEYPAD_READINGS]

    def _unsaid_action(self, hit: Hit, said: str) -> Hit:
        """Near-twins differ in their action (社会保障卡挂失 / 解挂 / 注销 / 申领): a name whose
        action the resident did not express, in words or through the lexicon, ranks a little
        lower, so that 领结婚证 is 结婚登记 rather than 补领结婚证 and 代开发票 not 代开发票作废."""
        name = self._norm_names[id(hit.matter)]
        actions = [w for w in self.lexicon.actions if w in name]
        if actions and not any(w in said for w in actions):
            return replace(hit, score=max(0.0, hit.score - UNSAID_ACTION), unsaid=UNSAID_ACTION)
        return hit

    def _named_plain_first(self, hits: list[Hit]) -> list[Hit]:
        """家里困难 想办低保: 最低生活保障 was named whole, and the best hit, 家庭经济困难儿童提供
        最低生活保障, is that name for someone the resident did not say (儿童): the plain service
        close behind comes first, however much of the resident's reason (困难) the longer name
        happens to hold."""
        if len(hits) < 2 or not hits[0].unsaid:
            return hits
        longer = self._norm_names[id(hits[0].matter)]
        for i, h in enumerate(hits[1:4], 1):
            name = self._norm_names[id(h.matter)]
            if not h.unsaid and h.m_cov >= WHOLE_NAME and name != longer and name in longer:
                return [h, *hits[:i], *hits[i + 1 :]]
        return hits

    def _outside(self, norm: str, m: Matter, complaint: bool = False) -> bool:
        """The query names a thing no government service handles (银行卡) and the matter doesn't.
        A complaint's subject is the resident's own (楼下饭店油烟太大 我要举报): not for a
        complaint the resident says they make."""
        if complaint and m.kind is Kind.COMPLAINT:
            return False
        texts = None
        for word in self.lexicon.outside:
            if word in norm:
                texts = texts or "".join(normalize(t) for t in self._texts(m))
                if word not in texts and not self._named_through(word, norm, texts):
                    return True
        return False

    def _named_through(self, word: str, norm: str, texts: str) -> bool:
        """The resident's ``word`` (网约车, 餐馆) is part of a lexicon term said (跑网约车, 开餐馆)
        that means what the matter's texts say (网络预约出租汽车, 食品经营): the matter names it
        in its own words."""
        terms = self._outside_terms.get(word)
        if terms is None:
            alternatives = self.lexicon.alternatives.items()
            terms = self._outside_terms[word] = [(t, a) for t, a in alternatives if word in t]
        return any(term in norm and any(alt in texts for alt in alts) for term, alts in terms)

    def _lone_token(self, tok: Tok, exclude: set[int]) -> list[Hit]:
        """A one-character query: suggestions that contain it, never a confident match."""
        if not tok.char:
            return []
        hits = self._blob.matters(tok.char, limit=20, exclude=exclude)
        return [Hit(self._entries[i], 0.3, 1.0, 0.0) for i in hits]


def _confident(top: Hit, complaint: bool) -> bool:
    """Is the best hit what the resident asked for? Three ways to be sure:

    - most of what was said is explained and a fair part of the name was said;
    - a whole name (or alias) was said, with the resident's own words around it (给孩子报户口,
      "投诉 噪音": the complaint's subject is the resident's own);
    - everything said is found in one name, and it is more than a word: published names are
      long (基本医疗保险参保人员享受门诊慢特病病种待遇认定) and residents say the part they need.
    """
    if top.q_cov >= MIN_QCOV and top.m_cov >= MIN_MCOV:
        return True
    if top.m_cov >= WHOLE_NAME and top.q_cov >= WHOLE_NAME_QCOV:
        # with more of the resident's own words than the name's, the name must be more than a word
        # (a complaint's subject is always the resident's own: "投诉 噪音")
        return (
            top.q_cov >= 0.5
            or top.explained >= PART_EXPLAINED
            or (complaint and top.matter.kind is Kind.COMPLAINT)
        )
    return top.q_cov >= PART_QCOV and top.explained >= PART_EXPLAINED


def _asks_the_way(norm: str) -> bool:
    """A question where a place is, with nothing to be done there (加油站在哪)."""
    # 开 of 新开的 describes the place (新开的火锅店在哪里): nothing to be done there
    return bool(_WHERE.search(norm) and _PLACE.search(norm)) and not _DOING & set(
        _WHERE.sub("", norm).replace("开的", "")
    )


def _complaint_first(hits: list[Hit]) -> list[Hit]:
    """The resident says they complain (楼上漏水没人管 投诉): a complaint service close behind the
    best hit (by less than CLEAR_MARGIN) is what they asked for, before the matter their story
    is about (水费缴纳)."""
    if not hits or hits[0].matter.kind is Kind.COMPLAINT:
        return hits
    for i, h in enumerate(hits[1:], 1):
        if hits[0].score - h.score >= CLEAR_MARGIN:
            break
        if h.matter.kind is Kind.COMPLAINT:
            if h.matter.category == hits[0].matter.category:
                return hits  # the best is the complaint desk's own (投诉 有 结果 了 吗: 工单查询)
            return [h, *hits[:i], *hits[i + 1 :]]
    return hits


def _complaint_named(top: Hit, second: Hit | None, complaint: bool) -> bool:
    """楼下饭店油烟太大 我要举报: however long the resident's account of what happened, saying
    they complain (举报, 投诉) is a complaint, when the best hit is a complaint service whose
    name was said or which nothing else comes close to."""
    if not complaint or top.matter.kind is not Kind.COMPLAINT:
        return False
    return (
        top.m_cov >= WHOLE_NAME
        or second is None
        or second.matter.kind is not Kind.COMPLAINT  # the only complaint service in sight
        or top.score - second.score >= CLEAR_MARGIN
    )


def _thing_said(top: Hit, intent_mask: int) -> bool:
    """More than one token of what was said names the matter's thing, not only how (a hotel's
    人均消费是多少 is no 水费查询 for its 费 and 多少 => 查询)."""
    return (top.covered & ~intent_mask).bit_count() >= 2


def _leads(top: Hit, second: Hit | None, margin: float) -> bool:
    return second is None or top.score - second.score >= margin


def _unalien_lead(top: Hit, second: Hit | None, intent_mask: int, margin: float) -> bool:
    """Nothing said is alien (see Hit.alien), more than one token of it names the matter's thing,
    a fair part of the query is explained, and nothing else comes within ``margin``."""
    return (
        _leads(top, second, margin)
        and _thing_said(top, intent_mask)
        and top.alien == 0.0
        and top.q_cov >= SITUATION_QCOV
    )


def _situation_winner(top: Hit, second: Hit | None, intent_mask: int = 0) -> bool:
    """A situation told in the resident's words (老汉上个月走了 丧葬费咋个领): nothing said is
    alien to the matter's domain (the words its category's matters use), the lexicon or everyday
    talk, it explains more than a word of the query and a fair part of its name, and nothing else
    comes close (a wider lead than a clear winner's, as less of the query is explained)."""
    if top.m_cov < MIN_MCOV:
        return False
    # far ahead, two tokens' worth explained is enough where some of it is the resident's own
    # words read through the lexicon (捡了个娃想自己养: 收养), not a catalog word said alone
    # (附近的饭店, where 饭店 is a keyword of the food licence)
    if (
        top.explained >= SAID_EXPLAINED
        and top.covered & ~top.literal
        and _unalien_lead(top, second, intent_mask, FAR_MARGIN)
    ):
        return True
    return top.explained >= CLEAR_EXPLAINED and _unalien_lead(
        top, second, intent_mask, SITUATION_MARGIN
    )


def _named_far_ahead(top: Hit, second: Hit | None, intent_mask: int = 0) -> bool:
    """Most of a name or alias was said (低保), nothing said is alien, and nothing else comes
    near (家里困难 办低保: 困难 is the resident's reason, which the name does not hold)."""
    return _unalien_lead(top, second, intent_mask, FAR_MARGIN) and top.m_cov >= FAR_MCOV


def _all_said(top: Hit, second: Hit | None, intent_mask: int = 0) -> bool:
    """A short request all of which one matter explains (狗证: 养犬登记证核发), more than weak
    words (电话 alone is no request), by a situation's lead."""
    return (
        top.q_cov >= ALL_SAID_QCOV
        and top.explained >= ALL_SAID_EXPLAINED
        and _thing_said(top, intent_mask)
        and _leads(top, second, SITUATION_MARGIN)
    )


def _clear_winner(top: Hit, second: Hit | None, intent_mask: int = 0) -> bool:
    """Nothing else comes close, and either much of a name was said, more than a word of it (the
    resident's other words, 想出国旅游, 我奶奶八十多了, do not make the answer less clear), or
    almost all that was said is explained by it (五保户 is 特困人员救助供养审核确认: the resident
    names the service in everyday words, which cover little of a long published name)."""
    margin = _leads(top, second, CLEAR_MARGIN)
    named = (
        top.explained >= CLEAR_EXPLAINED
        and top.m_cov >= CLEAR_MCOV
        and _thing_said(top, intent_mask)
    )
    said = top.explained >= SAID_EXPLAINED and top.q_cov >= SAID_QCOV
    return margin and top.q_cov >= CLEAR_QCOV and (named or said)


def _plain_twin(top: Hit, hits: list[Hit], intent_mask: int = 0) -> bool:
    """Near-twins that trail only by an action the resident did not say (取水许可证新办 /
    延续 / 变更: 打井 取水 许可) are no rivals: the plain service is what was asked for, when it
    leads every other matter as a clear winner would."""
    if top.unsaid or len(hits) < 2 or top.score < MIN_SCORE:
        return False
    name = top.matter.name
    rival = next(
        (
            h
            for h in hits[1:]
            if not h.unsaid
            or h.score + h.unsaid > top.score
            or _common_prefix(h.matter.name, name) < TWIN_PREFIX
        ),
        None,
    )
    if rival is hits[1]:
        return False  # the runner-up is a rival: the other rules have decided
    return _clear_winner(top, rival, intent_mask) or _all_said(top, rival, intent_mask)


def _varied(hits: list[Hit]) -> list[Hit]:
    """Suggestions, when nothing is sure: a near-twin of one already suggested that carries an
    action the resident did not say (个体工商户注销登记 after 个体工商户设立登记) waits behind
    other matters close enough to be meant (想自己开个小店 听说有贷款: 创业担保贷款申请)."""
    if len(hits) <= 2:
        return hits
    floor = hits[0].score - VARIED_SPAN
    first: list[Hit] = []
    later: list[Hit] = []
    for h in hits:
        twin = h.unsaid and any(
            _common_prefix(h.matter.name, f.matter.name) >= TWIN_PREFIX for f in first
        )
        (later if twin else first).append(h)
    near = [h for h in first if h.score >= floor]
    return near + later + [h for h in first if h.score < floor]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _named_rest_known(top: Hit, second: Hit | None, intent_mask: int = 0) -> bool:
    """Most of one published name was said and the rest of what was said is the resident's own
    known talk (intent words 换 / 到期 / 第一次, family and time words 孩子 / 今年, weak words),
    not words foreign to the catalog: 身份证过期了要换 is 居民身份证办理 although its near-twins
    (跨省 / 省内异地办理) score close behind. Two guards keep it from guessing:

    - at most NAMED_FOREIGN of the query is unknown content (one character: a recognizer slip),
      not counting words of the matter's own domain (Hit.alien); out-of-scope talk (地址, 酒店)
      is unknown content;
    - the runner-up has, in its own words, no word the winner leaves unexplained: if it has
      (在外地住院报销要备案: 备案 is in 异地就医备案), the query may be about the runner-up, so
      only suggest. A runner-up reached through the lexicon alone (到期 => 养蜂证换证, 娃 =>
      被拐儿童) is no such rival: the resident did not say its words; nor is one whose words the
      winner lacks are only how, intent words (身份证 到期 换: 出租汽车经营许可证到期换证).
    """
    if top.explained < NAMED_EXPLAINED or top.m_cov < NAMED_MCOV or top.alien > NAMED_FOREIGN:
        return False
    return second is None or (
        second.score < top.score and not second.literal & ~top.covered & ~intent_mask
    )


class _Blob:
    """Texts of all matters joined in one string; finds which matters contain a substring."""

    def __init__(self, per_matter: list[str]) -> None:
        self.text = "".join(per_matter)
        self.starts = list(accumulate((len(t) for t in per_matter), initial=0))  # + the end

    def matters(self, needle: str, limit: int, exclude: set[int] | None = None) -> list[int]:
        seen = exclude if exclude is not None else set()
        out: list[int] = []
        at = self.text.find(needle)
        while at >= 0 and len(out) < limit:
            idx = bisect_right(self.starts, at) - 1
            if idx not in seen:
                seen.add(idx)
                out.append(idx)
            at = self.text.find(needle, self.starts[idx + 1])  # one hit per matter is enough
        return out


@lru_cache(maxsize=262144)
def _index_keys(a: str, b: str) -> tuple[str, ...]:
    """Index keys of two adjacent pieces: their syllable pairs (initials have their own blob)."""
    return tuple(_pair_keys(_tok_of(a), _tok_of(b)))


@lru_cache(maxsize=65536)
def _init_of(piece: str) -> str:
    return _tok_of(piece).init


@lru_cache(maxsize=65536)
def _tok_of(piece: str) -> Tok:
    syls = char_syllables(piece) if len(piece) == 1 and _CJK.match(piece) else (piece,)
    return Tok(piece, syls, _syl_init(syls, piece))


@lru_cache(maxsize=16384)
def _alt_tokens(text: str) -> list[Tok]:
    return text_tokens(text)  # no weak words: an alternative counts in full


def _inner_particles(term: str, lexicon: Lexicon) -> set[int]:
    """Positions of the particles inside a term that is also known without them (就一个娃 is
    就一娃 too: see lexicon._add_said_without_fillers). They join no known word: a resident's 个
    next to 娃 (领养个娃儿) is still their filler."""
    inner = inner_particles(term)
    return inner if inner and without_particles(term) in lexicon.alternatives else set()


def _sounds_of(words: Iterable[str]) -> set[str]:
    """Main readings of words of two or more characters, syllables joined by spaces (我想:
    "wo xian"); one syllable typed alone is too often a syllable of a word (ling: 您 or 龄)."""
    out = set()
    for w in words:
        syls = [char_syllables(ch)[:1] for ch in w]
        if len(syls) >= 2 and all(syls):
            out.add(" ".join(s[0] for s in syls))
    return out


def _sounds_like(toks: list[Tok], i: int, term: list[Tok]) -> bool:
    if i + len(term) > len(toks):
        return False
    # Same character, or same main reading: second readings (格 luo) make too many false friends.
    said = toks[i : i + len(term)]
    if not all(
        (q.char is not None and q.char == t.char) or (q.syls[:1] == t.syls[:1] and q.syls)
        for q, t in zip(said, term, strict=True)
    ):
        return False
    # A word said in characters shares at least one with the term it is heard as: a recognizer
    # gets a character of a word wrong (公鸡金, 低包, 设保卡), and a wholly different word that
    # sounds the same is another word (饺子 is no 教资).
    typed = all(q.char is None for q in said)
    return typed or any(q.char == t.char for q, t in zip(said, term, strict=True))


def _match_form(form: _Form, query: _Query, n: int) -> tuple[list[float] | None, float]:
    """What one name (or alias ...) explains of the query, and how much of it the query covers."""
    qcov = [0.0] * n
    fcov = [0.0] * len(form.toks)
    hit = False
    # only the keys this form and the query share (a C-level set intersection)
    for key in form.pairs.keys() & query.keys:
        starts = form.pairs[key]
        for it in query.items.get(key, ()):
            for j in starts:
                s = _strength(it.a, it.b, form.toks[j], form.toks[j + 1])
                if s == SOUND and it.written:
                    # a pair the catalog writes as said (份证 of 身份证) is another word where it
                    # is only heard (蜂证 of 养蜂证); a recognizer's slip rarely makes one
                    s = SOUND_ONLY
                s *= it.factor
                if s <= 0:
                    continue
                hit = True
                for i in it.cover:
                    if s > qcov[i]:
                        qcov[i] = s
                if s > fcov[j]:
                    fcov[j] = s
                if s > fcov[j + 1]:
                    fcov[j + 1] = s
        for ph in query.phrases.get(key, ()):
            factor = ph.factor
            found = _phrase_spans(form, ph.sounds, len(ph.toks))
            if not found and ph.head:
                factor = ph.factor * HEAD_FACTOR
                found = _phrase_spans(form, ph.head, ph.head.count("|") - 1)
            for span in found:
                # an official word the lexicon writes is found as written, give or take a
                # character the name writes another way: 按揭 is not the 案接 of 档案接收
                if not any(form.toks[j].char == ph.toks[k].char for k, j in enumerate(span)):
                    continue
                hit = True
                for i in ph.cover:
                    if qcov[i] < factor:
                        qcov[i] = factor
                for k in span:
                    if fcov[k] < factor:
                        fcov[k] = factor
    if not hit:
        return None, 0.0
    covered = sum(c * t.weight for c, t in zip(fcov, form.toks, strict=True))
    return qcov, covered / form.total


def _head(alt: list[Tok]) -> str:
    """The sounds of a phrase without its document word (不动产权证 -> 不动产权), when at least
    PHRASE_HEAD tokens are left: names write the same thing as 不动产权属…, 不动产权利…. A cut
    anywhere else falls inside a word (社会保险 -> 社会保 is in 社会保障卡)."""
    text = "".join(t.char or "" for t in alt)
    for suffix in DOCUMENT_WORDS:
        if text.endswith(suffix) and len(alt) - len(suffix) >= PHRASE_HEAD:
            return _sounds(alt[: len(alt) - len(suffix)])
    return ""


def _lighter(toks: list[Tok], starts: list[int], at: set[int], weight: float) -> list[Tok]:
    """``toks`` with those said at positions ``at`` (``starts``: each token's) weighing at most
    ``weight``."""
    if not at:
        return toks
    return [
        replace(t, weight=min(t.weight, weight)) if pos in at else t
        for t, pos in zip(toks, starts, strict=True)
    ]


def home_in(lexicon: Lexicon, texts: Counter[str], least: int = 1) -> tuple[str, str] | None:
    """The province and city ("" when unsure) the places in ``texts`` (text -> times) agree on:
    at least ``least`` mentions, two thirds of them one province; None otherwise."""
    longest = max((len(w) for w in lexicon.places), default=0)
    provinces: Counter[str] = Counter()
    cities: Counter[tuple[str, str]] = Counter()
    for text, times in texts.items():
        for start, end in _word_spans(text, lexicon.places, longest):
            where = lexicon.regions.get(text[start:end], set())
            if len({p for p, _ in where}) == 1:
                provinces[next(iter(where))[0]] += times
                if len(where) == 1 and next(iter(where))[1]:
                    cities[next(iter(where))] += times
    if not provinces:
        return None
    province, votes = provinces.most_common(1)[0]
    if votes < least or votes * 3 < sum(provinces.values()) * 2:
        return None
    ours = [(c, n) for (p, c), n in cities.items() if p == province]
    city, n = max(ours, key=lambda cn: cn[1], default=("", 0))
    return province, city if n * 2 > sum(n for _, n in ours) else ""


def _word_spans(
    s: str,
    words: set[str],
    longest: int,
    protected: Callable[[str, int, int], bool] | None = None,
) -> list[tuple[int, int]]:
    """Spans of ``s`` that are words of ``words``, longest first, left to right."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(s):
        for size in range(min(longest, len(s) - i), 0, -1):
            if s[i : i + size] in words and not (protected and protected(s, i, i + size)):
                out.append((i, i + size))
                i += size
                break
        else:
            i += 1
    return out


def _positions(haystack: str, needle: str) -> list[int]:
    """Token positions where the sounds ``needle`` stand whole in ``haystack`` (see _sounds)."""
    out = []
    at = haystack.find(needle)
    while at >= 0:
        out.append(haystack.count("|", 0, at))
        at = haystack.find(needle, at + 1)
    return out


def _longest_common_run(a: str, b: str) -> int:
    """Length of the longest substring shared by a and b (both short)."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best
