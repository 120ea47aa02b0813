"""Terminals as the console sees them: state from the latest heartbeat, changes of state kept as
events (bounded per terminal), and the usage counts terminals report (``POST /v1/terminal/usage``).

Online means a heartbeat within ``OFFLINE_AFTER_S`` (terminals beat every minute by default).
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from kiosk.usage import clean_query

log = logging.getLogger(__name__)

CST = timezone(timedelta(hours=8))
OFFLINE_AFTER_S = 180
EVENTS_KEPT = 100  # per terminal; older ones are deleted as new ones come
USAGE_REPORTS_KEPT_S = 7 * 24 * 3600  # report ids remembered this long (a resend is older never)
# distinct counted keys one terminal adds in a day: a kiosk sends at most 200 of a kind a report
# (kiosk.usage.MAX_KEYS) and residents search a few hundred different things a day at most
USAGE_KEYS_PER_DAY = 2000
# heartbeat fields whose changes are events, with their Chinese names
WATCHED = {
    "printer": "打印机",
    "paper": "纸张",
    "reader": "身份证阅读器",
    "microphone": "麦克风",
    "voice_model": "语音模型",
    "catalog_version": "事项清单版本",
    "app_version": "程序版本",
    "catalog_refused": "拒收的事项清单",
    "unresolved_topups": "未完成充值",
}
DEVICES = ("printer", "paper", "reader", "microphone", "voice_model")
STATUS_WORDS = {"online": "在线", "offline": "离线", "attention": "需处理"}
STATUS_ORDER = {"offline": 0, "attention": 1, "online": 2}  # the list shows problems first


def day_of(ts: float) -> str:
    return datetime.fromtimestamp(ts, CST).date().isoformat()


def epoch_of(iso: str | None) -> float | None:
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else None
    except ValueError:
        return None


def local_time(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, CST).strftime("%Y-%m-%d %H:%M:%S") if ts else "—"


# ----- heartbeat events -----


def record_heartbeat(store, terminal_id: str, payload: dict, now: float) -> None:
    """Called by the heartbeat route before it stores the new beat: a change of a watched field,
    or a return after being offline, becomes an event."""
    prev = store.one("SELECT payload, at FROM heartbeats WHERE terminal_id=?", terminal_id)
    events: list[tuple[str, str | None, str | None]] = []
    if prev is None:
        events.append(("status", None, "首次上线"))
    else:
        try:
            old = json.loads(prev["payload"])
        except ValueError:
            old = {}
        last = epoch_of(prev["at"])
        if last is not None and now - last > OFFLINE_AFTER_S:
            events.append(("status", "离线", f"恢复在线（离线约{int((now - last) // 60)}分钟）"))
        for key in WATCHED:
            a, b = old.get(key), payload.get(key)
            if key == "unresolved_topups":
                a, b = bool(a), bool(b)  # only "some" vs "none" is news
            if a != b:
                events.append((key, _text(old.get(key)), _text(payload.get(key))))
    if not events:
        return
    # no global write lock: the inserts are atomic by themselves and the trim only bounds the
    # list (a fresh fleet's first heartbeats each make an event, all in the same minute)
    with store.tx(serial=False) as db:
        for key, a, b in events:
            db.execute(
                "INSERT INTO heartbeat_events (id, terminal_id, at, field, old_value, new_value) "
                "VALUES (?,?,?,?,?,?)",
                (secrets.token_hex(8), terminal_id, now, key, a, b),
            )
        cut = db.execute(
            "SELECT at FROM heartbeat_events WHERE terminal_id=? ORDER BY at DESC "
            f"LIMIT 1 OFFSET {EVENTS_KEPT - 1}",
            (terminal_id,),
        ).fetchone()
        if cut is not None:
            db.execute(
                "DELETE FROM heartbeat_events WHERE terminal_id=? AND at<?", (terminal_id, cut[0])
            )


def _text(value) -> str | None:
    return None if value is None else str(value)[:200]


def events_of(store, terminal_id: str, limit: int = 50) -> list[dict]:
    rows = store.all(
        "SELECT at, field, old_value, new_value FROM heartbeat_events WHERE terminal_id=? "
        "ORDER BY at DESC LIMIT ?",
        terminal_id,
        limit,
    )
    return [
        {
            "at": local_time(r["at"]),
            "what": "状态" if r["field"] == "status" else WATCHED.get(r["field"], r["field"]),
            "old": state_words(r["old_value"]) if r["field"] in DEVICES else r["old_value"],
            "new": state_words(r["new_value"]) if r["field"] in DEVICES else r["new_value"],
        }
        for r in rows
    ]


# ----- usage reports -----


def add_usage(store, terminal_id: str, report, now: float) -> int:
    """Upsert one report's counts into today's rows; a report id seen before adds nothing.
    Texts are cleaned again here: a number-like text never reaches the table."""
    rows: list[tuple[str, str, int]] = []
    for s in report.services:  # catalog ids and service names; a rogue terminal's ID number not
        if clean_query(s.service) is not None and clean_query(s.matter_id) is not None:
            rows.append(("service", s.service, s.count))
            rows.append(("matter", s.matter_id, s.count))
    for u in report.unmatched:
        text = clean_query(u.text)
        if text is not None:
            rows.append(("unmatched", text, u.count))
    day = day_of(now)
    with store.tx() as db:
        kept = db.execute(
            "SELECT COUNT(*) FROM usage_counts WHERE day=? AND terminal_id=?", (day, terminal_id)
        ).fetchone()[0]
        if kept >= USAGE_KEYS_PER_DAY:  # a terminal (or a stolen secret) cannot grow the table
            log.warning("usage from %s: %d keys today, new keys dropped", terminal_id, kept)
            rows = [
                r
                for r in rows
                if db.execute(
                    "SELECT 1 FROM usage_counts WHERE day=? AND terminal_id=? AND kind=? AND key=?",
                    (day, terminal_id, r[0], r[1]),
                ).fetchone()
            ]
        db.execute("DELETE FROM usage_reports WHERE at<?", (now - USAGE_REPORTS_KEPT_S,))
        seen = db.execute(
            "SELECT 1 FROM usage_reports WHERE terminal_id=? AND report_id=?",
            (terminal_id, report.report_id),
        ).fetchone()
        if seen:
            return 0
        db.execute(
            "INSERT INTO usage_reports (terminal_id, report_id, at) VALUES (?,?,?)",
            (terminal_id, report.report_id, now),
        )
        for kind, key, n in rows:
            db.execute(
                "INSERT INTO usage_counts (day, terminal_id, kind, key, count) VALUES (?,?,?,?,?) "
                "ON CONFLICT (day, terminal_id, kind, key) "
                "DO UPDATE SET count = usage_counts.count + excluded.count",
                (day, terminal_id, kind, key, n),
            )
    return sum(n for kind, _, n in rows if kind != "matter")


# ----- the terminals list -----


@dataclass
class TerminalView:
    id: str
    name: str
    area: str
    status: str  # online / offline / attention
    last_seen: str
    ago: str
    beat: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def status_word(self) -> str:
        return STATUS_WORDS[self.status]


def problems_of(beat: dict) -> list[str]:
    """What an operator should look at, in words."""
    out = []
    printer, paper = beat.get("printer"), beat.get("paper")
    if printer not in (None, "ok", "none"):
        out.append(f"打印机{state_words(printer)}")
    if paper in ("low", "out"):
        out.append("纸张不足" if paper == "low" else "缺纸")
    if beat.get("reader") == "error":
        out.append("身份证阅读器故障")
    if beat.get("unresolved_topups"):
        out.append(f"{beat['unresolved_topups']}笔充值未完成")
    if beat.get("catalog_refused"):
        out.append("拒收了新事项清单")
    return out


def ago_words(seconds: float) -> str:
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)}分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)}小时前"
    return f"{int(seconds // 86400)}天前"


def terminals(store, now: float) -> list[TerminalView]:
    names = {r["id"]: r["name"] or "" for r in store.all("SELECT id, name FROM terminals")}
    areas = {r[0]: r[1] for r in store.all("SELECT terminal_id, area FROM terminal_areas")}
    beats = {r["terminal_id"]: r for r in store.all("SELECT * FROM heartbeats")}
    out = []
    for tid in sorted(set(names) | set(beats)):
        row = beats.get(tid)
        beat: dict = {}
        seen = None
        if row is not None:
            try:
                beat = json.loads(row["payload"])
            except ValueError:
                beat = {}
            seen = epoch_of(row["at"])
        problems = problems_of(beat) if beat else []
        if seen is None or now - seen > OFFLINE_AFTER_S:
            status = "offline"
        else:
            status = "attention" if problems else "online"
        out.append(
            TerminalView(
                id=tid,
                name=names.get(tid, ""),
                area=areas.get(tid, ""),
                status=status,
                last_seen=local_time(seen),
                ago=ago_words(now - seen) if seen is not None else "从未上线",
                beat=beat,
                problems=problems,
            )
        )
    return out


def set_area(store, terminal_id: str, area: str) -> None:
    with store.tx() as db:
        if area:
            db.execute(
                "INSERT INTO terminal_areas (terminal_id, area) VALUES (?,?) "
                "ON CONFLICT (terminal_id) DO UPDATE SET area = excluded.area",
                (terminal_id, area),
            )
        else:
            db.execute("DELETE FROM terminal_areas WHERE terminal_id=?", (terminal_id,))


def activity_of(store, terminal_id: str, now: float, days: int = 7) -> dict[str, int]:
    """This terminal's last ``days`` days: gas and bill orders by outcome, 办件 by service."""
    since = now - days * 86400
    out: dict[str, int] = {}
    for r in store.all(
        "SELECT status, COUNT(*) AS n FROM orders WHERE terminal_id=? AND created_at>=? "
        "GROUP BY status",
        terminal_id,
        since,
    ):
        out[f"燃气充值·{ORDER_WORDS.get(r['status'], r['status'])}"] = r["n"]
    for r in store.all(
        "SELECT kind, status, COUNT(*) AS n FROM utility_orders WHERE terminal_id=? "
        "AND created_at>=? GROUP BY kind, status",
        terminal_id,
        since,
    ):
        kind = UTILITY_WORDS.get(r["kind"], r["kind"])
        out[f"{kind}·{ORDER_WORDS.get(r['status'], r['status'])}"] = r["n"]
    first_day = day_of(since)
    for r in store.all(
        "SELECT key, SUM(count) AS n FROM usage_counts WHERE terminal_id=? AND kind='service' "
        "AND day>=? GROUP BY key",
        terminal_id,
        first_day,
    ):
        out[f"办理·{r['key']}"] = r["n"]
    return out


ORDER_WORDS = {
    "created": "待支付",
    "paid": "已付款未写卡",
    "credited": "已到账",
    "written": "已写卡",
    "cancelled": "已取消",
    "expired": "已过期",
}
UTILITY_WORDS = {"water": "水费", "power": "电费", "heating": "供暖费"}
SERVICE_WORDS = {
    "guide": "办事指南",
    "records.gjj_statement": "公积金缴存明细",
    "records.si_rights": "社保权益单",
    "records.si_statement": "社保缴费明细",
    "records.education": "学历信息",
    "records.zk_scores": "自考成绩",
    "certificates.hardship": "困难群众证明",
    "certificates.household": "户籍证明",
    "certificates.gjj_deposit": "公积金缴存证明",
    "certificates.si_payment": "社保参保缴费证明",
    "certificates.verify": "核验证明",
    "utilities.gas_topup": "燃气充值",
    "utilities.gas_rewrite": "燃气补写卡",
    "utilities.water": "水费",
    "utilities.power": "电费",
    "utilities.heating": "供暖费",
    "hotline.submit": "12345诉求",
    "hotline.track": "12345进度查询",
    "evaluations.submit": "好差评",
}
# what a device's state says, in words (the heartbeat's values are English codes)
STATE_WORDS = {
    "ok": "正常",
    "low": "不足",
    "out": "缺纸",
    "offline": "离线",
    "error": "故障",
    "none": "未配置",
    "unknown": "未知",
    "ready": "就绪",
    "loading": "载入中",
    "off": "关闭",
}


def state_words(value) -> str:
    """'ok' -> 正常, 'off:未安装语音模型' -> 关闭（未安装语音模型）; None, missing -> —."""
    if value is None or str(value) == "":  # a template's missing field is Undefined: str ""
        return "—"
    text = str(value)
    head, _, why = text.partition(":")
    word = STATE_WORDS.get(head, head)
    return f"{word}（{why}）" if why else word
