"""Which service flow runs a matter: one registry keyed by the catalog's ``service``.

Routing used to be repeated in several screens; now the guide page, the session, the home hot
matters and the voice assistant all ask ``flow_for(matter)``. A matter whose service the kiosk
cannot finish (no such backend service here) gets the GUIDE flow: its page says where to go and
offers no button that would end in "请到窗口办理" after an ID swipe.

Also here, because they are decisions rather than widgets: the hot matters on home, the whole
statement for printing (every page fetched) and its period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kiosk.catalog import Catalog, Matter


class FlowKind(StrEnum):
    GUIDE = "guide"  # read (and print) the 办事指南; nothing to run here
    RECORD = "record"  # identify, read a personal record, print it
    CERTIFICATE = "certificate"  # identify, preview, issue and print on the resident's tap
    GAS = "gas"  # gas top-up: account, amount, QR, card write, receipt
    GAS_REWRITE = "gas_rewrite"  # 补写卡
    UTILITY = "utility"  # water / electricity / heating bill: account, amount, QR, receipt
    COMPLAINT = "complaint"  # 12345 诉求 with a printed 回执
    TRACK = "track"  # 12345 progress by scanning the 回执's QR
    EVALUATE = "evaluate"  # 好差评
    VERIFY = "verify"  # 核验证明: scan a printed certificate's QR, see whether it is valid


@dataclass(frozen=True)
class Flow:
    kind: FlowKind
    screen: str = "matter"  # the screen that renders the flow
    action: str = ""  # the button on the guide page; "" = guide only
    identify: bool = False  # needs the resident identified first (and 告知同意)
    prints: bool = False  # paper is the outcome: warn before identifying if printing is down
    param: str = ""  # record kind, certificate kind or utility kind
    reads: str = ""  # what personal data will be read, for the 告知同意 notice

    @property
    def runs_here(self) -> bool:
        return bool(self.action)


GUIDE = Flow(FlowKind.GUIDE)


def _record(param: str, reads: str) -> Flow:
    return Flow(FlowKind.RECORD, "records", "刷身份证查询", True, False, param, reads)


def _cert(param: str, reads: str) -> Flow:
    return Flow(FlowKind.CERTIFICATE, "certificate", "刷身份证开证明", True, True, param, reads)


def _utility(param: str) -> Flow:
    return Flow(FlowKind.UTILITY, "utility", "开始缴费", param=param)


FLOWS: dict[str, Flow] = {
    "records.gjj_statement": _record("gjj", "您的住房公积金缴存记录"),
    "records.si_rights": _record("si", "您的社会保险参保缴费记录"),
    "records.education": _record("edu", "您的学历和自学考试记录"),
    "records.zk_scores": _record("edu", "您的学历和自学考试记录"),
    "certificates.hardship": _cert("hardship", "您的户籍和困难群众认定信息"),
    "certificates.household": _cert("household", "您的户籍信息"),
    "certificates.gjj_deposit": _cert("gjj_deposit", "您的住房公积金缴存记录"),
    "certificates.si_payment": _cert("si_payment", "您的社会保险参保缴费记录"),
    "utilities.gas_topup": Flow(FlowKind.GAS, "topup", "开始缴费"),
    "utilities.gas_rewrite": Flow(FlowKind.GAS_REWRITE, "rewrite", "开始补写"),
    "utilities.water": _utility("water"),
    "utilities.power": _utility("power"),
    "utilities.heating": _utility("heating"),
    "hotline.submit": Flow(FlowKind.COMPLAINT, "feedback", "在这里办理"),
    "hotline.track": Flow(FlowKind.TRACK, "feedback", "在这里查询"),
    "evaluations.submit": Flow(FlowKind.EVALUATE, "feedback", "在这里评价"),
    "certificates.verify": Flow(FlowKind.VERIFY, "verify", "扫码核验"),
}
# Services named in the catalog that this backend does not offer (e.g. certificates.mi_voucher,
# records.si_pension): GUIDE. Offering the ID swipe and then "请到窗口办理" is the dead end the
# registry exists to prevent.


def flow_for(matter: Matter | None) -> Flow:
    if matter is None or not matter.service:
        return GUIDE
    return FLOWS.get(matter.service, GUIDE)


def hot_matters(catalog: Catalog, configured: Sequence[str], limit: int) -> list[Matter]:
    """The 常用事项 on home: the configured ids (``ui.hot_matters``) that exist and are enabled,
    in that order; otherwise matters the kiosk can finish, one per category first, in catalog
    order. Never hard-coded ids of one catalog."""
    enabled = catalog.enabled()
    if configured:
        by_id = {m.id: m for m in enabled}
        return [by_id[i] for i in configured if i in by_id][:limit]
    runnable = [m for m in enabled if flow_for(m).runs_here]
    first, rest, seen = [], [], set()
    for m in runnable:
        (rest if m.category in seen else first).append(m)
        seen.add(m.category)
    return (first + rest)[:limit]


# ----- statements: every page, and the period they cover -----

PRINT_PAGE_SIZE = 100  # the API's largest page
DATE_FIELD = {"gjj": "month", "si": "month", "edu": "date"}


def fetch_all(fetch: Callable[[int, int], object], page_size: int = PRINT_PAGE_SIZE):
    """Call ``fetch(page, size)`` for page 1..pages and return the first statement with the rows
    of all pages. A printout headed with a period holds every row of that period."""
    first = fetch(1, page_size)
    rows = list(first.rows)
    for page in range(2, first.pages + 1):
        rows.extend(fetch(page, page_size).rows)
    return first.model_copy(update={"rows": rows, "page": 1, "pages": 1})


def statement_period(kind: str, rows: Sequence) -> str:
    """'2024-01 至 2026-10' from the rows' own dates (month for 公积金/社保, date for 学历)."""
    key = DATE_FIELD.get(kind, "month")
    dates = sorted(getattr(r, key) for r in rows if getattr(r, key, ""))
    if not dates:
        return ""
    return dates[0] if dates[0] == dates[-1] else f"{dates[0]} 至 {dates[-1]}"
