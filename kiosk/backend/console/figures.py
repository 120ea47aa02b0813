"""Service figures and top-ups needing attention, as the console pages show them, and the
server-side SVG bar chart (no script, no chart library)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from kiosk.backend.console.fleet import ORDER_WORDS, UTILITY_WORDS, day_of, local_time
from kiosk.usage import clean_query

LEVELS = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]


def usage_by_day(store, first_day: str, kind: str = "service") -> dict[str, int]:
    rows = store.all(
        "SELECT day, SUM(count) AS n FROM usage_counts WHERE kind=? AND day>=? GROUP BY day "
        "ORDER BY day",
        kind,
        first_day,
    )
    return {r["day"]: int(r["n"]) for r in rows}


def usage_table(store, first_day: str, kind: str, by: str, limit: int = 50) -> list[tuple]:
    """(key, count) or (terminal, key, count) rows, most used first."""
    cols = "terminal_id, key" if by == "terminal" else "key"
    rows = store.all(
        f"SELECT {cols}, SUM(count) AS n FROM usage_counts WHERE kind=? AND day>=? "
        f"GROUP BY {cols} ORDER BY n DESC, {cols} LIMIT ?",
        kind,
        first_day,
        limit,
    )
    return [tuple(r) for r in rows]


def evaluations_by_matter(store) -> list[dict]:
    """好差评 levels per matter: an evaluation names a 办件编号, the case names the matter."""
    rows = store.all(
        "SELECT c.matter_id AS matter, c.service AS service, e.level AS level, COUNT(*) AS n "
        "FROM evaluations e LEFT JOIN cases c ON c.number = e.case_number "
        "GROUP BY c.matter_id, c.service, e.level"
    )
    per: dict[str, dict] = {}
    for r in rows:
        key = r["matter"] or "（办件编号不明）"
        entry = per.setdefault(key, {"matter": key, "service": r["service"] or "", "total": 0})
        entry[r["level"]] = entry.get(r["level"], 0) + r["n"]
        entry["total"] += r["n"]
    out = sorted(per.values(), key=lambda e: -e["total"])
    for e in out:
        bad = e.get("不满意", 0) + e.get("非常不满意", 0)
        e["bad_share"] = round(100 * bad / e["total"]) if e["total"] else 0
    return out


def complaints_by_day(store, since: float) -> tuple[dict[str, int], dict[str, int]]:
    """12345 submissions since ``since``: per day and per category (``submitted_at`` is epoch
    seconds as text, days computed here, not in SQL)."""
    per_day: dict[str, int] = {}
    per_category: dict[str, int] = {}
    for r in store.all("SELECT category, submitted_at, status FROM complaints"):
        try:
            at = float(r["submitted_at"])
        except (TypeError, ValueError):
            continue
        if at < since:
            continue
        per_day[day_of(at)] = per_day.get(day_of(at), 0) + 1
        cat = r["category"] if clean_query(r["category"] or "") is not None else "其他"
        per_category[cat] = per_category.get(cat, 0) + 1
    return dict(sorted(per_day.items())), dict(sorted(per_category.items(), key=lambda x: -x[1]))


# ----- top-ups needing attention -----


@dataclass
class Attention:
    kind: str  # 燃气 / 水费 / ...
    order_id: str
    terminal_id: str
    account: str
    amount: str  # yuan
    state: str
    at: str
    tell: str  # what to tell the resident


def topups_needing_attention(store, now: float) -> list[Attention]:
    """Paid gas orders not yet on a card (the resident must 补写卡), and orders paid after they
    were cancelled or expired (refunded automatically), gas and bills alike; newest first."""
    out: list[tuple[float, Attention]] = []
    for r in store.all(
        "SELECT * FROM orders WHERE status='paid' OR late_paid_at IS NOT NULL "
        "ORDER BY created_at DESC LIMIT 500"
    ):
        yuan = f"{r['amount'] / 100:.2f}"
        if r["status"] == "paid":
            waited = now - (r["paid_at"] or now)
            state = "已付款，未写入燃气卡" + ("（超过1小时）" if waited > 3600 else "")
            tell = (
                f"您的{yuan}元已付款成功，钱不会丢。请带燃气卡到任意一台终端，"
                "选“燃气购气补写卡”把气量写入卡中；卡有问题可到燃气营业厅办理。"
            )
            at = r["paid_at"] or r["created_at"]
        else:
            state = "订单{}后才收到付款，已自动退款".format(
                "取消" if r["status"] == "cancelled" else "过期"
            )
            tell = (
                f"您付的{yuan}元在订单{'取消' if r['status'] == 'cancelled' else '过期'}后才到账，"
                "系统已自动原路退回，一般1至3个工作日到账；如需充值请重新下单。"
            )
            at = r["late_paid_at"]
        out.append(
            (
                at,
                Attention(
                    "燃气", r["order_id"], r["terminal_id"] or "", r["account"], yuan, state,
                    local_time(at), tell,
                ),
            )
        )  # fmt: skip
    for r in store.all(
        "SELECT * FROM utility_orders WHERE late_paid_at IS NOT NULL "
        "ORDER BY late_paid_at DESC LIMIT 500"
    ):
        yuan = f"{r['amount'] / 100:.2f}"
        kind = UTILITY_WORDS.get(r["kind"], r["kind"])
        when = ORDER_WORDS.get(r["status"], r["status"])
        out.append(
            (
                r["late_paid_at"],
                Attention(
                    kind, r["order_id"], r["terminal_id"] or "", r["account"], yuan,
                    f"订单{when}后才收到付款，已自动退款", local_time(r["late_paid_at"]),
                    f"您缴的{kind}{yuan}元在订单{when}后才到账，系统已自动原路退回，"
                    "一般1至3个工作日到账；欠费请重新缴纳。",
                ),
            )
        )  # fmt: skip
    out.sort(key=lambda x: -(x[0] or 0))
    return [a for _, a in out]


# ----- the chart -----


def bar_chart(values: dict[str, int], title: str, unit: str = "次", width: int = 460) -> str:
    """Horizontal bars as inline SVG: one row per label, the count written at the bar's end.
    Accessible: a <title>, and every bar's words as text (a screen reader reads them)."""
    if not values:
        return ""
    row_h, label_w, pad = 30, 170, 8
    top = max(values.values()) or 1
    bar_room = width - label_w - 56
    height = row_h * len(values) + pad * 2
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, n) in enumerate(values.items()):
        y = pad + i * row_h
        w = max(2, round(bar_room * n / top))
        short = label if len(label) <= 10 else label[:9] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 20}" text-anchor="end" class="chart-label">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 5}" width="{w}" height="{row_h - 10}" rx="3" '
            f'class="chart-bar"><title>{escape(label)}：{n}{unit}</title></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 20}" class="chart-value">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
