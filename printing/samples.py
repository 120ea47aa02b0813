"""Sample documents with demo data, for `kiosk print --sample` and for looking at the layouts."""

from __future__ import annotations

from kiosk.backend import api
from kiosk.backend.store import demo_residents
from kiosk.catalog import DEMO_CATALOG, load_catalog
from kiosk.clock import format_local, now_local
from kiosk.privacy import mask_id
from printing.documents import (
    Receipt,
    Statement,
    render_certificate,
    render_guide,
    render_receipt_pdf,
    render_statement,
)

SAMPLES = ("certificate", "statement", "guide", "receipt")


def _now() -> str:
    return format_local()


def sample_certificate() -> api.Certificate:
    r = demo_residents()[0]
    household = "河南省安阳县白璧镇东街村"
    return api.Certificate(
        code="7F3A-21C9-0B4E-9D52",
        verify_url="https://zwfw.example.gov.cn/v1/certificates/7F3A-21C9-0B4E-9D52",
        kind=api.CertificateKind.HARDSHIP,
        title="困难群众证明",
        issued_at=now_local().isoformat(timespec="seconds"),
        issuer="安阳市文峰区民政局",
        name=r["name"],
        id_number=r["id_number"],
        fields={"认定类别": "最低生活保障对象", "户籍地": household},
        body=f"兹证明{r['name']}（公民身份号码：{r['id_number']}），户籍地{household}，"
        "经审核认定为最低生活保障对象，目前在保。特此证明。",
    )


def sample_statement(months: int = 725) -> Statement:
    """A long 公积金 statement （20 pages） built like the real one."""
    r = demo_residents()[1]
    rows = []
    for i in range(months):
        year, month = 2026 - i // 12, 12 - i % 12
        balance = 3_000_00 + (months - i) * 1_704_00
        rows.append(
            [
                f"{year}-{month:02d}",
                "安阳市建筑工程有限公司",
                "7,100.00",
                "852.00",
                "852.00",
                f"{balance / 100:,.2f}",
            ]
        )
    return Statement(
        title="住房公积金个人缴存明细",
        holder=r["name"],
        id_masked=mask_id(r["id_number"]),
        period=f"{rows[-1][0]} 至 {rows[0][0]}",
        columns=["月份", "缴存单位", "缴存基数", "个人缴存", "单位缴存", "账户余额"],
        rows=rows,
        numeric_columns=(2, 3, 4, 5),
        column_weights=(1, 2.6, 1.1, 1, 1, 1.3),
        totals=[("缴存月数", f"{len(rows)}个月"), ("累计缴存", f"{len(rows) * 1704:,}.00元")],
        extra=[("公积金账号", "4105****123")],
        issuer="安阳市住房公积金管理中心",
        printed_at=_now(),
        terminal="文峰区政务服务中心 01号机",
    )


def sample_receipt() -> Receipt:
    return Receipt(
        title="燃气充值凭证",
        lines=[
            ("订单号", "GO20261122a1b2c3d4e5"),
            ("燃气户号", "100200300"),
            ("户名", "王*国"),
            ("充值金额", "50.00元"),
            ("表类型", "IC卡表"),
            ("写卡结果", "已写入燃气卡"),
            ("时间", _now()),
        ],
        notice="请将燃气卡插入燃气表，确认表上金额已增加。",
        qr="https://zwfw.example.gov.cn/gas/GO20261122a1b2c3d4e5",
        footer="文峰区政务服务中心 01号机  客服电话 96777",
    )


def render_sample(kind: str, *, sample_mark: bool = True) -> tuple[bytes, str]:
    """(pdf bytes, title) of a sample document."""
    if kind == "certificate":
        cert = sample_certificate()
        return render_certificate(
            cert, sample=sample_mark, terminal="文峰区政务服务中心 01号机"
        ), cert.title
    if kind == "statement":
        st = sample_statement()
        return render_statement(st), st.title
    if kind == "guide":
        matter = load_catalog(DEMO_CATALOG).by_id()["mz-001"]
        return render_guide(matter, printed_at=_now()), f"办事指南-{matter.name}"
    if kind == "receipt":
        rc = sample_receipt()
        return render_receipt_pdf(rc), rc.title
    raise ValueError(kind)
