"""What residents used, counted at the kiosk and reported in batches: privacy first.

Two kinds of count, nothing else: services started (per matter id and per ``service``), and
searches that found nothing the engine was sure of (the normalized query text). A query text is
kept only when nothing in it could be a person's number: any run of six or more digits (Arabic,
full-width or spoken Chinese numerals, spaces, dashes and punctuation between them ignored), an
ID number or a phone number drops the whole text. The backend applies the same ``clean_query``
again.

``UsageCounter`` is filled by the resident's session on the UI thread and emptied by the
heartbeat thread. A batch that could not be sent is sent again, unchanged and under the same
report id, before the next one (the backend counts a report id once, so a lost answer does not
count twice); while one is waiting, new counts stay in the counter, bounded by ``MAX_KEYS`` per
kind, so that a terminal offline for a week cannot grow without end.
"""

from __future__ import annotations

import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY = 32  # characters kept of a query text
MAX_KEYS = 200  # distinct keys per kind held and sent at most (the API's limit too)
MAX_COUNT = 100_000  # one key's count in one report

_DIGITISH = "0-9零〇一二三四五六七八九十幺两壹贰叁肆伍陆柒捌玖拾"
# between two digits of a run: anything that is no letter, no CJK character and no digit (spaces,
# dashes, and the commas, 、 and 。 speech recognition writes between the groups it heard)
_NUMBER_RUN = re.compile(rf"[{_DIGITISH}]([\W_]*[{_DIGITISH}]){{5,}}", re.IGNORECASE)
_ID_LIKE = re.compile(r"\d{15}|\d{17}[\dx]", re.IGNORECASE)
_PHONE_LIKE = re.compile(r"1[3-9]\d{9}")


def clean_query(text: str) -> str | None:
    """The query as counted (NFKC, lower case, spaces collapsed, at most ``MAX_QUERY``
    characters), or None when it must not be kept at all (empty, or number-like)."""
    norm = " ".join(unicodedata.normalize("NFKC", text or "").lower().split())
    if not norm:
        return None
    compact = re.sub(r"[\s\-_.·/]", "", norm)
    if _NUMBER_RUN.search(norm) or _ID_LIKE.search(compact) or _PHONE_LIKE.search(compact):
        return None
    if sum(c.isdigit() for c in compact) >= 6:  # digits spread among letters: still a number
        return None
    return norm[:MAX_QUERY]


@dataclass
class UsageBatch:
    services: dict[tuple[str, str], int] = field(default_factory=dict)  # (matter_id, service)
    unmatched: dict[str, int] = field(default_factory=dict)  # clean query text -> count
    # sent again unchanged after a failure: the backend counts one report id once
    report_id: str = field(default_factory=lambda: secrets.token_hex(8))

    def __bool__(self) -> bool:
        return bool(self.services or self.unmatched)


class UsageCounter:
    """Thread-safe counts since the last successful report."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._batch = UsageBatch()
        self.dropped = 0  # counts refused because a kind was full (seen on the admin screen)

    def service_started(self, matter_id: str, service: str) -> None:
        self._add(self._batch.services, (matter_id[:64], (service or "guide")[:64]), 1)

    def search_unmatched(self, query: str) -> None:
        text = clean_query(query)
        if text is not None:
            self._add(self._batch.unmatched, text, 1)

    def _add(self, into: dict, key, n: int) -> None:
        with self._lock:
            if key not in into and len(into) >= self.max_keys:
                self.dropped += n
                return
            into[key] = min(into.get(key, 0) + n, MAX_COUNT)

    def take(self) -> UsageBatch:
        """Everything counted so far; the counter starts again from nothing."""
        with self._lock:
            batch, self._batch = self._batch, UsageBatch()
            return batch

    def pending(self) -> int:
        with self._lock:
            return sum(self._batch.services.values()) + sum(self._batch.unmatched.values())
