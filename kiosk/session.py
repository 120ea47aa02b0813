"""The resident's session: one owner, no Qt. Events in, one ``State`` out to observers.

The UI sends events (a matter opened, its flow started, identified, consent given, paying,
writing a card, printing, settled, ended) and renders the state it is handed; it decides nothing
about who may see what. The session owns:

- identification: the token and the masked name/ID, never the full ones;
- the 告知同意 notice: asked once per session, before the first personal query;
- the session's start and end: 首页, 返回 to home, idle and a language switch all call ``end``,
  which hands the token to the ``Revoker`` (revoked at the backend before it is forgotten,
  retried in the background while the network is down) and forgets everything personal at once;
- idle policy, from the state: browsing, personal data, paying (until the order's ``expires_at``
  plus a grace), writing a card (never), printing (until the outcome).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from kiosk.catalog import Matter
from kiosk.flows import GUIDE, Flow, flow_for
from kiosk.usage import UsageCounter

log = logging.getLogger(__name__)

PAY_GRACE_S = 30  # after the QR's expiry: a payment made in the last second still lands


class Activity(StrEnum):
    BROWSING = "browsing"
    PERSONAL = "personal"  # personal data on screen
    PAYING = "paying"  # a valid payment QR on screen
    WRITING_CARD = "writing_card"  # never interrupted
    PRINTING = "printing"  # until the printer's outcome


@dataclass(frozen=True)
class Identity:
    token: str
    name_masked: str
    id_masked: str


@dataclass(frozen=True)
class State:
    step: str = "home"  # the screen to show
    matter: Matter | None = None
    flow: Flow = GUIDE
    identity: Identity | None = None
    consented: bool = False
    activity: Activity = Activity.BROWSING
    pay_until: float | None = None  # epoch seconds: expires_at + grace
    case_number: str = ""  # 办件编号 of the service just finished (for 好差评)
    generation: int = 0  # +1 at every end: results of an ended session are dropped

    @property
    def identified(self) -> bool:
        return self.identity is not None


@dataclass(frozen=True)
class IdleRule:
    seconds: float | None  # None: no idle timer at all
    then: str  # "countdown" (ask, then end) or "attract" (home, nothing to protect)


@dataclass
class IdlePolicy:
    general_s: float = 120
    personal_s: float = 60
    attract_s: float = 300
    grace_s: float = PAY_GRACE_S

    def rule(self, state: State, now: float) -> IdleRule:
        a = state.activity
        if a in (Activity.WRITING_CARD, Activity.PRINTING):
            return IdleRule(None, "countdown")
        if a is Activity.PAYING and state.pay_until is not None:
            return IdleRule(max(state.pay_until - now, self.personal_s), "countdown")
        if state.identified or a is Activity.PERSONAL:
            return IdleRule(self.personal_s, "countdown")
        if state.step == "home":
            return IdleRule(self.attract_s, "attract")
        return IdleRule(self.general_s, "countdown")


def iso_epoch(text: str) -> float:
    """An API timestamp (ISO 8601 with offset) as epoch seconds."""
    return datetime.fromisoformat(text).timestamp()


class Session:
    def __init__(
        self,
        revoker: Revoker | None = None,
        policy: IdlePolicy | None = None,
        clock: Callable[[], float] = time.time,
        usage: UsageCounter | None = None,
    ) -> None:
        self.revoker = revoker
        self.policy = policy or IdlePolicy()
        self.clock = clock
        self.usage = usage  # services started, searches not matched (kiosk.usage)
        self._unmatched = ""  # the last search shown without a sure match, until it settles
        self.state = State()
        self._observers: list[Callable[[State], None]] = []
        self._pending: Flow | None = None  # a flow waiting for identification or consent

    # ----- observing -----

    def observe(self, fn: Callable[[State], None]) -> None:
        self._observers.append(fn)

    def unobserve(self, fn: Callable[[State], None]) -> None:
        if fn in self._observers:
            self._observers.remove(fn)

    def _set(self, **changes) -> State:
        self.state = replace(self.state, **changes)
        for fn in list(self._observers):
            fn(self.state)
        return self.state

    @property
    def identified(self) -> bool:
        return self.state.identified

    @property
    def token(self) -> str:
        return self.state.identity.token if self.state.identity else ""

    @property
    def name_masked(self) -> str:
        return self.state.identity.name_masked if self.state.identity else ""

    @property
    def id_masked(self) -> str:
        return self.state.identity.id_masked if self.state.identity else ""

    def idle_rule(self) -> IdleRule:
        return self.policy.rule(self.state, self.clock())

    # ----- events: where the resident goes -----

    def show(self, step: str, *, personal: bool = False) -> State:
        """A plain navigation (category, search, a guide page, the screen a flow runs on)."""
        activity = Activity.PERSONAL if personal else Activity.BROWSING
        return self._set(step=step, activity=activity, pay_until=None)

    def searched(self, query: str, matched: bool) -> None:
        """A search's result was shown (typed as it grows, or said). The last query without a
        sure match counts as not found only if the resident then opens nothing from it: it is
        counted when the session ends, dropped when a matter is opened."""
        self._unmatched = "" if matched else query

    def open_matter(self, matter: Matter) -> State:
        self._unmatched = ""
        return self._set(
            step="matter", matter=matter, flow=flow_for(matter), activity=Activity.BROWSING
        )

    def start(self, matter: Matter | None = None) -> State:
        """The resident taps the matter's action: identify first, then 告知同意, then the flow."""
        if matter is not None:
            self._set(matter=matter, flow=flow_for(matter))
        flow = self.state.flow
        if not flow.runs_here:
            return self._set(step="matter")  # nothing to run: the guide says where to go
        if flow.identify and not self.state.identified:
            self._pending = flow
            return self._set(step="identify", activity=Activity.BROWSING)
        if flow.identify and not self.state.consented:
            self._pending = flow
            return self._set(step="consent", activity=Activity.BROWSING)
        self._pending = None
        matter = self.state.matter
        if self.usage is not None and matter is not None:
            self.usage.service_started(matter.id, matter.service or "")
        return self._set(step=flow.screen, activity=self._activity_of(flow), case_number="")

    def _activity_of(self, flow: Flow) -> Activity:
        return Activity.PERSONAL if flow.identify or self.state.identified else Activity.BROWSING

    def identified_as(self, token: str, name_masked: str, id_masked: str) -> State:
        self._set(identity=Identity(token, name_masked, id_masked), activity=Activity.PERSONAL)
        log.info("resident identified (%s)", id_masked)
        if self._pending is not None:
            return self.start()
        return self.state

    def consent(self, agree: bool) -> State:
        if not agree:
            self._pending = None
            return self._set(step="matter", activity=self._activity_of(GUIDE))
        self._set(consented=True)
        return self.start() if self._pending is not None else self.state

    # ----- events: what is going on now (idle policy) -----

    def paying(self, expires_at: str | float) -> State:
        until = iso_epoch(expires_at) if isinstance(expires_at, str) else expires_at
        return self._set(activity=Activity.PAYING, pay_until=until + self.policy.grace_s)

    def writing_card(self) -> State:
        return self._set(activity=Activity.WRITING_CARD, pay_until=None)

    def printing(self) -> State:
        return self._set(activity=Activity.PRINTING)

    def settled(self, *, personal: bool | None = None) -> State:
        """The payment, card write or print reached its outcome."""
        if personal is None:
            personal = self.state.identified or self.state.flow.identify
        return self._set(
            activity=Activity.PERSONAL if personal else Activity.BROWSING, pay_until=None
        )

    def finished(self, case_number: str) -> State:
        """A service was done: its 办件编号, offered to 好差评."""
        return self._set(case_number=case_number)

    # ----- the end -----

    def end(self, reason: str) -> State:
        """首页, 返回 to home, idle, language switch: the same end for all. The token goes to the
        revoker first (revoked at the backend, retried until it is), then nothing personal is
        left here."""
        token = self.token
        if token and self.revoker is not None:
            self.revoker.revoke(token)
        if token:
            log.info("session ended: %s", reason)
        if self._unmatched and self.usage is not None:
            self.usage.search_unmatched(self._unmatched)
        self._unmatched = ""
        self._pending = None
        return self._set(
            step="home",
            matter=None,
            flow=GUIDE,
            identity=None,
            consented=False,
            activity=Activity.BROWSING,
            pay_until=None,
            case_number="",
            generation=self.state.generation + 1,
        )


@dataclass
class Revoker:
    """Revokes resident tokens at the backend on its own thread, retrying with backoff while the
    backend cannot be reached. A token is dropped only once the backend has confirmed (or said it
    no longer knows it); nothing else in the kiosk holds it after ``Session.end``."""

    revoke_at_backend: Callable[[str], None]
    backoff_s: tuple[float, ...] = (0.5, 1, 2, 5, 10, 30, 60)
    _pending: list[str] = field(default_factory=list)
    _cv: threading.Condition = field(default_factory=threading.Condition)
    _thread: threading.Thread | None = None
    _stop: bool = False

    def revoke(self, token: str) -> None:
        with self._cv:
            self._pending.append(token)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="revoke-tokens", daemon=True)
                self._thread.start()
            self._cv.notify_all()

    @property
    def pending(self) -> int:
        with self._cv:
            return len(self._pending)

    def wait(self, timeout: float = 10.0) -> bool:
        """Until every handed-in token is revoked (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while self._pending and not self._stop:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cv.wait(left)
            return not self._pending

    def close(self) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify_all()

    def _run(self) -> None:
        from kiosk.backend.client import BackendRejected

        attempt = 0
        while True:
            with self._cv:
                while not self._pending and not self._stop:
                    self._cv.wait()
                if self._stop:
                    return
                token = self._pending[0]
            try:
                self.revoke_at_backend(token)
            except BackendRejected as exc:  # unknown or expired: nothing left to revoke
                log.info("token revoke refused (%s): treated as revoked", exc.code)
            except Exception as exc:  # network down, backend starting: keep it and retry
                delay = self.backoff_s[min(attempt, len(self.backoff_s) - 1)]
                attempt += 1
                log.warning("token revoke failed (%s); retry in %.1f s", type(exc).__name__, delay)
                with self._cv:
                    self._cv.wait(delay)
                continue
            attempt = 0
            with self._cv:
                self._pending.remove(token)
                self._cv.notify_all()
