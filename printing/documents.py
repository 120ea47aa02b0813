"""Printed documents, rendered to PDF bytes with reportlab: certificates, record statements,
办事指南 and top-up receipts. Sizes and fonts come from the layout template (layout.json)."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, mm
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kiosk.backend import api
from kiosk.catalog import Matter
from kiosk.clock import to_local
from printing.layout import font_name, layout
from printing.receipt_words import localized


def _style(name: str, size: float, leading: float | None = None, **kw) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=font_name(),
        fontSize=size,
        leading=leading or size * 1.45,
        wordWrap="CJK",
        **kw,
    )


def _a4_doc(buf: io.BytesIO, title: str, author: str = "") -> SimpleDocTemplate:
    a4 = layout()["a4"]
    return SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=a4["margin_left"],
        rightMargin=a4["margin_right"],
        topMargin=a4["margin_top"],
        bottomMargin=a4["margin_bottom"],
        title=title,
        author=author,
        initialFontName=font_name(),
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code as vector squares (segno makes the matrix; no raster, no extra fonts)."""
    matrix = segno.make(text, error="m", micro=False).matrix
    n = len(matrix) + 8  # with the standard quiet zone of 4 modules
    cell = size / n
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (col + 4) * cell, y + size - (r + 5) * cell, cell, cell, stroke=0, fill=1
                )
    canvas.restoreState()


def _sample_mark(canvas, width: float, height: float) -> None:
    spec = layout()["certificate"]
    canvas.saveState()
    canvas.setFillGray(spec["sample_gray"])
    canvas.setFont(font_name(), spec["sample_size"])
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.drawCentredString(0, -spec["sample_size"] / 3, spec["sample_text"])
    canvas.restoreState()


# ----- certificate -----


def render_certificate(cert: api.Certificate, *, sample: bool, terminal: str = "") -> bytes:
    """One A4 page: title, body, fields, issuer and date, verification code and QR, seal."""
    spec, a4 = layout()["certificate"], layout()["a4"]
    font = font_name()
    buf = io.BytesIO()
    width, height = A4
    c = pdfcanvas.Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=font)
    c.setTitle(cert.title)
    c.setAuthor(cert.issuer)
    if sample:
        _sample_mark(c, width, height)
    left, right = a4["margin_left"], width - a4["margin_right"]
    c.setFont(font, spec["code_size"])
    c.drawRightString(right, height - a4["margin_top"], f"验证码：{cert.code}")
    c.setFont(font, spec["title_size"])
    c.drawCentredString(width / 2, height - a4["margin_top"] - 70, cert.title)

    body = Paragraph(
        _esc(cert.body),
        _style(
            "body", spec["body_size"], spec["body_leading"], firstLineIndent=spec["body_size"] * 2
        ),
    )
    _, h = body.wrap(right - left, height)
    top = height - a4["margin_top"] - 130
    body.drawOn(c, left, top - h)
    y = top - h - 24
    if cert.fields:
        rows = [[k, v] for k, v in cert.fields.items()]
        table = Table(rows, colWidths=[110, right - left - 110])
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), font, spec["field_size"]),
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.93, 0.93, 0.93)),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        _, th = table.wrap(right - left, height)
        table.drawOn(c, left, y - th)
        y -= th + 30
    # issuer and date at the right, the seal over them when the backend supplies one
    c.setFont(font, spec["issuer_size"])
    issued = _cn_date(cert.issued_at)
    c.drawRightString(right, y - 30, cert.issuer)
    c.drawRightString(right, y - 56, issued)
    if cert.seal_png_base64:
        seal = ImageReader(io.BytesIO(base64.b64decode(cert.seal_png_base64)))
        s = spec["seal_size"]
        c.drawImage(seal, right - s + 10, y - 70, s, s, mask="auto")
    # verification: QR of the verify URL and how to check by hand
    qr = spec["qr_size"]
    bottom = a4["margin_bottom"]
    _qr(c, cert.verify_url, left, bottom, qr)
    c.setFont(font, spec["code_size"])
    lines = [
        "扫描二维码或登录政务服务网，输入验证码核验本证明真伪。",
        f"验证码：{cert.code}",
        f"核验地址：{cert.verify_url}",
    ]
    if terminal:
        lines.append(f"打印终端：{terminal}")
    for i, line in enumerate(lines):
        c.drawString(left + qr + 12, bottom + qr - 14 - i * 16, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def _cn_date(iso: str) -> str:
    try:
        d = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if d.tzinfo is not None:  # the day it is where the terminal stands
        d = to_local(d)
    return f"{d.year}年{d.month}月{d.day}日"


# ----- record statement -----


@dataclass
class Statement:
    title: str  # 住房公积金个人缴存明细
    holder: str  # the resident's name (their own statement)
    id_masked: str
    period: str  # 2024-01 至 2026-10
    columns: list[str]
    rows: list[list[str]]
    totals: list[tuple[str, str]] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)  # 账号 (masked), 单位 ...
    issuer: str = ""
    printed_at: str = ""
    terminal: str = ""
    numeric_columns: Sequence[int] = ()
    column_weights: Sequence[float] = ()  # relative widths; equal when empty


class _NumberedCanvas(pdfcanvas.Canvas):
    """Holds pages back until the end， so each footer can say 第 n 页 共 N 页."""

    footer: tuple[str, float, float, float] = ("", 9, 0, 0)  # text, size, x_right, y

    def __init__(self, *args, **kwargs):
        kwargs["initialFontName"] = font_name()  # the doc template passes None otherwise
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            text, size, x_right, y = self.footer
            self.setFont(font_name(), size)
            self.drawString(62, y, text)
            self.drawRightString(x_right, y, f"第 {self._pageNumber} 页 共 {total} 页")
            super().showPage()
        super().save()


def render_statement(st: Statement) -> bytes:
    """A4 pages; the table splits across pages with its heading row repeated."""
    spec, a4 = layout()["statement"], layout()["a4"]
    buf = io.BytesIO()
    width, _height = A4
    doc = _a4_doc(buf, st.title, st.issuer)
    meta = _style("meta", spec["meta_size"])
    story: list = [
        Paragraph(_esc(st.title), _style("t", spec["title_size"], alignment=TA_CENTER)),
        Spacer(1, 10),
    ]
    facts = [("姓名", st.holder), ("证件号码", st.id_masked), ("查询期间", st.period), *st.extra]
    pairs = [facts[i : i + 2] for i in range(0, len(facts), 2)]
    meta_rows = [
        [Paragraph(f"{_esc(k)}:{_esc(v)}", meta) for k, v in p] + [""] * (2 - len(p)) for p in pairs
    ]
    usable = width - a4["margin_left"] - a4["margin_right"]
    meta_table = Table(meta_rows, colWidths=[usable / 2] * 2)
    meta_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font_name())]))
    story += [meta_table, Spacer(1, 8)]
    cell = _style("cell", spec["table_size"])
    num = _style("num", spec["table_size"], alignment=TA_RIGHT)
    weights = list(st.column_weights) or [1.0] * len(st.columns)
    widths = [usable * w / sum(weights) for w in weights]
    size = spec["table_size"]

    def fit(text: str, col: int):
        # A plain string is many times cheaper to lay out than a Paragraph: wrap only what
        # would not fit its column.
        if stringWidth(text, font_name(), size) < widths[col] - 8:
            return text
        return Paragraph(_esc(text), num if col in st.numeric_columns else cell)

    data = [[fit(c, i) for i, c in enumerate(st.columns)]]
    data += [[fit(v, i) for i, v in enumerate(row)] for row in st.rows]
    table = Table(data, repeatRows=1, colWidths=widths)
    gray = spec["rows_header_gray"]
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font_name(), size),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.4, 0.4, 0.4)),
                *[("ALIGN", (c, 1), (c, -1), "RIGHT") for c in st.numeric_columns],
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(gray, gray, gray)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)
    if st.totals:
        story += [
            Spacer(1, 10),
            KeepTogether(
                [
                    Paragraph(f"{_esc(k)}:{_esc(v)}", _style("tot", spec["meta_size"] + 1))
                    for k, v in st.totals
                ]
            ),
        ]
    footer = f"{st.issuer}  打印时间 {st.printed_at}" + (
        f"  终端 {st.terminal}" if st.terminal else ""
    )

    class Numbered(_NumberedCanvas):
        pass

    Numbered.footer = (
        footer,
        spec["footer_size"],
        width - a4["margin_right"],
        a4["margin_bottom"] / 2,
    )
    doc.build(story, canvasmaker=Numbered)
    return buf.getvalue()


# ----- 办事指南 -----


def render_guide(matter: Matter, *, printed_at: str = "") -> bytes:
    spec = layout()["guide"]
    buf = io.BytesIO()
    doc = _a4_doc(buf, f"办事指南 {matter.name}")
    h = _style("h", spec["heading_size"], spaceBefore=10, spaceAfter=4)
    p = _style("p", spec["body_size"], spec["leading"])
    story: list = [
        Paragraph(_esc(matter.name), _style("t", spec["title_size"], alignment=TA_CENTER)),
        Paragraph(
            f"办理部门：{_esc(matter.department)}",
            _style("d", spec["body_size"], alignment=TA_CENTER),
        ),
        Spacer(1, 12),
    ]
    g = matter.guide
    if g is None:
        story.append(Paragraph("本事项暂无办事指南，请咨询窗口工作人员。", p))
    else:
        if g.conditions:
            story += [Paragraph("一、谁可以办", h), Paragraph(_esc(g.conditions), p)]
        story.append(Paragraph("二、要带什么", h))
        if g.materials:
            for n, m in enumerate(g.materials, 1):
                copies = f"，{m.copies}份" if m.copies else ""
                form = (
                    f"({m.form}{copies})" if m.form else (f"（{m.copies}份）" if m.copies else "")
                )
                note = f" —— {m.note}" if m.note else ""
                story.append(Paragraph(f"{n}. {_esc(m.name)}{_esc(form)}{_esc(note)}", p))
        else:
            story.append(Paragraph("无需携带材料。", p))
        story.append(Paragraph("三、去哪里、什么时间", h))
        for label, value in (("办理地点", g.location), ("办理时间", g.hours)):
            if value:
                story.append(Paragraph(f"{label}:{_esc(value)}", p))
        story.append(Paragraph("四、要多久、花多少钱", h))
        for label, value in (("办结时限", g.time_limit), ("收费标准", g.fee)):
            if value:
                story.append(Paragraph(f"{label}:{_esc(value)}", p))
        if g.visits is not None:
            story.append(
                Paragraph(f"到现场次数：{'不用跑' if g.visits == 0 else f'{g.visits}次'}", p)
            )
        if g.online:
            story.append(Paragraph("可以网上办理：政务服务网或自助终端。", p))
        if g.phone:
            story += [Paragraph("五、咨询电话", h), Paragraph(_esc(g.phone), p)]
    if printed_at:
        story += [
            Spacer(1, 18),
            Paragraph(
                f"打印时间：{printed_at}。以窗口最新要求为准。", _style("f", spec["body_size"] - 3)
            ),
        ]
    doc.build(story)
    return buf.getvalue()


# ----- top-up receipt -----


@dataclass
class Receipt:
    title: str  # 燃气充值凭证
    lines: list[tuple[str, str]]  # label, value: what really happened, nothing more
    notice: str = ""  # e.g. 本次购气尚未写入燃气卡(待圈存),请持卡到任意自助终端补写
    qr: str = ""
    footer: str = ""


def render_receipt_pdf(receipt: Receipt) -> bytes:
    """A half A4 page, for kiosks without a receipt printer."""
    receipt = localized(receipt)  # English when the resident uses the English UI
    spec = layout()["receipt_pdf"]
    font = font_name()
    size = (spec["width_mm"] * mm, spec["height_mm"] * mm)
    buf = io.BytesIO()
    c = pdfcanvas.Canvas(buf, pagesize=size, pageCompression=1, initialFontName=font)
    c.setTitle(receipt.title)
    m = spec["margin"]
    y = size[1] - m
    c.setFont(font, spec["title_size"])
    c.drawCentredString(size[0] / 2, y - spec["title_size"], receipt.title)
    y -= spec["title_size"] + 20
    c.setFont(font, spec["body_size"])
    for label, value in receipt.lines:
        c.drawString(m, y, f"{label}:{value}")
        y -= spec["body_size"] * 1.7
    if receipt.notice:
        para = Paragraph(_esc(receipt.notice), _style("n", spec["body_size"]))
        _, h = para.wrap(size[0] - 2 * m - spec["qr_size"] - 10, size[1])
        para.drawOn(c, m, y - h + spec["body_size"])
        y -= h + 6
    if receipt.qr:
        _qr(c, receipt.qr, size[0] - m - spec["qr_size"], m, spec["qr_size"])
    if receipt.footer:
        c.setFont(font, spec["body_size"] - 2)
        c.drawString(m, m, receipt.footer)
    c.showPage()
    c.save()
    return buf.getvalue()


def receipt_escpos(printer, receipt: Receipt) -> None:
    """Print on an 80 mm ESC/POS printer (python-escpos), Chinese in GB18030 character mode."""
    receipt = localized(receipt)
    spec = layout()["receipt_escpos"]
    enc = spec["encoding"]
    printer.hw("INIT")
    printer._raw(b"\x1c\x26")  # FS &: Chinese character mode
    printer.set(align="center", double_height=True, double_width=True)
    printer._raw(receipt.title.encode(enc) + b"\n")
    printer.set(align="left", normal_textsize=True)
    printer._raw(("-" * spec["width_chars"] + "\n").encode(enc))
    for label, value in receipt.lines:
        printer._raw(f"{label}:{value}\n".encode(enc))
    if receipt.notice:
        printer._raw(("\n" + receipt.notice + "\n").encode(enc))
    if receipt.qr:
        printer.set(align="center")
        printer.qr(receipt.qr, size=6, native=True)
    if receipt.footer:
        printer._raw(("\n" + receipt.footer + "\n").encode(enc))
    printer._raw(b"\x1c\x2e")  # FS .: leave Chinese mode
    printer.cut()
