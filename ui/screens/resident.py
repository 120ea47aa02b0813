"""Screens with a resident's data: identify, record table, certificate preview."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.backend import api
from kiosk.backend.store import demo_residents
from kiosk.catalog import Matter
from kiosk.clock import format_local
from kiosk.errors import user_message
from kiosk.flows import GUIDE, Flow, fetch_all, flow_for, statement_period
from kiosk.privacy import MOBILE, mask_id, mask_name
from ui.screens.base import Screen
from ui.widgets import Card, NumericKeypad, Outcome, button, display_field, label, labeled


class IdentifyScreen(Screen):
    """请刷身份证： the ID card reader （simulated in demo mode）， or phone number + SMS code."""

    name = "identify"
    # from the ID reader's thread (kiosk/devices/reader.py), delivered on the UI thread
    card_read = Signal(object)
    reader_problem = Signal(object)

    def __init__(self, win) -> None:
        super().__init__(win)
        has_reader = win.services.id_reader.present  # devices.id_reader = "none": SMS only
        self.heading.setText(self.tr("请刷身份证") if has_reader else self.tr("请用手机号验证"))
        self.instruction = label(self.tr("请把身份证放在屏幕下方的读卡区，听到“嘀”声后拿开"), "")
        self.instruction.setVisible(has_reader)
        self.box.addWidget(self.instruction)
        self.card_read.connect(self._card_read)
        self.reader_problem.connect(self._reader_problem)
        left, right = self.split()
        self.reader = Card()
        self.reader.box.addWidget(label(self.tr("演示模式：点一位演示居民，模拟刷卡"), "hint"))
        grid = QGridLayout()
        for i, r in enumerate(demo_residents()):
            grid.addWidget(
                button(
                    r["name"],
                    "secondary",
                    lambda _=False, who=r: self._place_demo_card(who),
                ),
                i // 2,
                i % 2,
            )
        self.reader.box.addLayout(grid)
        self.reader.setVisible(win.services.config.demo)
        left.addWidget(self.reader)
        left.addStretch(1)
        right.addWidget(label(self.tr("没带身份证？用手机号验证"), "hint"))
        self.phone = display_field()
        self.phone.setPlaceholderText(self.tr("请输入手机号"))
        right.addWidget(labeled(None, self.phone))  # phone, then SMS code: shown above
        self.msg = Outcome()
        right.addWidget(self.msg)
        self.keys = NumericKeypad()
        self.keys.typed.connect(self._typed)
        self.keys.erased.connect(lambda: self.phone.setText(self.phone.text()[:-1]))
        self.keys.confirmed.connect(self._confirm)
        right.addWidget(self.keys, 1)
        self._sms_phone = ""
        self.then = None

    def enter(self, then=None, **_) -> None:
        self.then = then or self.then
        self.wipe()
        reader = self.services.id_reader
        reader.listen(self.card_read.emit, self.reader_problem.emit)
        if reader.status() == "error":
            self.msg.error(self.tr("身份证读卡器暂时不能使用，请用手机号验证"))

    def _place_demo_card(self, who: dict) -> None:
        """Demo mode: the card goes onto the simulated reader; the real driver reads it."""
        self.msg.busy(self.tr("正在读卡，请稍候……"))
        self.services.id_reader.place_demo_card(who["name"], who["id_number"])

    def _card_read(self, card) -> None:
        name, id_number = card.name, card.id_number
        card.wipe()  # the backend gets what it needs; the photo and the rest go now
        if self.win.current == self.name:  # a card laid on the reader elsewhere is ignored
            self._card(name, id_number)

    def _reader_problem(self, exc: Exception) -> None:
        if self.win.current == self.name:
            self.msg.error(user_message(exc))

    def wipe(self) -> None:
        self.phone.clear()
        self.msg.clear()
        self._sms_phone = ""
        self.phone.setPlaceholderText(self.tr("请输入手机号"))

    def _typed(self, d: str) -> None:
        limit = 6 if self._sms_phone else 11
        if len(self.phone.text()) < limit:
            self.phone.setText(self.phone.text() + d)

    def _card(self, name: str, id_number: str) -> None:
        self.msg.setText(self.tr("正在核验身份，请稍候……"))
        self.win.run(
            "login",
            lambda services=self.services: services.client.login_id_card(name, id_number),
            self._logged_in,
            self._failed,
        )

    def _confirm(self) -> None:
        text = self.phone.text()
        services = self.services  # the client is fetched in the worker: never wait here
        if not self._sms_phone:
            if not MOBILE.fullmatch(text):  # 11 digits, 13x-19x: anything else is a typo
                self.msg.setText(self.tr("手机号格式不对：是1开头的11位数字，请检查"))
                return
            demo = services.config.demo

            def send():
                sent = services.client.send_sms(text)
                # demo mode shows the code the sandbox "sent", so that anyone can try the flow
                code = services.client.sandbox("GET", f"/sms/{text}")["code"] if demo else ""
                return sent, code

            self.win.run("sms", send, lambda r: self._sent(text, *r), self._failed)
        else:
            phone = self._sms_phone
            self.win.run(
                "verify",
                lambda: services.client.verify_sms(phone, text),
                self._logged_in,
                self._failed,
            )

    def _sent(self, phone: str, r: api.SmsSent, demo_code: str) -> None:
        self._sms_phone = phone
        self.phone.clear()
        self.phone.setPlaceholderText(self.tr("请输入短信验证码（6位）"))
        hint = self.tr("验证码已发送") if r.sent else self.tr("验证码刚发过，请查看短信")
        if demo_code:
            hint += self.tr("（演示模式验证码：") + demo_code + "）"
        self.msg.setText(hint)

    def _logged_in(self, s: api.ResidentSession) -> None:
        self.wipe()
        self.win.identified(s)  # the session says where the resident goes next
        if self.then:  # older callers: something to do once identified
            then, self.then = self.then, None
            then()

    def _failed(self, exc: Exception) -> None:
        self.msg.error(user_message(exc, self.tr("出了点问题，请再试一次")))


class ConsentScreen(Screen):
    """告知同意 (个人信息保护法): before the first personal query of a session, what will be read
    and why, in plain words; one tap to agree, one to go back."""

    name = "consent"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("查询前请您知道"))
        self.text = label("")
        self.box.addWidget(self.text)
        self.box.addStretch(1)
        row = QHBoxLayout()
        self.agree = button(self.tr("我同意，继续"), "", lambda: self.win.consent(True))
        self.decline = button(self.tr("不同意，返回"), "secondary", lambda: self.win.consent(False))
        row.addWidget(self.agree, 2)
        row.addWidget(self.decline, 1)
        self.box.addLayout(row)

    def enter(self, flow: Flow = GUIDE, **_) -> None:
        reads = self.tr(flow.reads) if flow.reads else self.tr("您本人的相关记录")
        self.text.setText(
            "\n".join(
                [
                    self.tr("为了给您办理这项业务，本机将向有关部门查询：") + reads + "。",
                    self.tr("这些信息只用于这次办理，只显示在这块屏幕上，由您决定是否打印。"),
                    self.tr("您离开或点“首页”后，屏幕上的信息会全部清除，本机不保存。"),
                    self.tr("依据《中华人民共和国个人信息保护法》，需要您先同意。"),
                ]
            )
        )


# what the kiosk reads for each record flow (kiosk.flows), as the table and printout are titled
RECORD_TITLES = {
    "records.gjj_statement": QT_TRANSLATE_NOOP("RecordsScreen", "住房公积金缴存明细"),
    "records.si_rights": QT_TRANSLATE_NOOP("RecordsScreen", "社会保险个人权益记录"),
    "records.education": QT_TRANSLATE_NOOP("RecordsScreen", "学历信息"),
    "records.zk_scores": QT_TRANSLATE_NOOP("RecordsScreen", "自学考试成绩"),
}
CONSENT_WORDS = (  # kiosk.flows' "reads", for lupdate
    QT_TRANSLATE_NOOP("ConsentScreen", "您的住房公积金缴存记录"),
    QT_TRANSLATE_NOOP("ConsentScreen", "您的社会保险参保缴费记录"),
    QT_TRANSLATE_NOOP("ConsentScreen", "您的学历和自学考试记录"),
    QT_TRANSLATE_NOOP("ConsentScreen", "您的户籍和困难群众认定信息"),
    QT_TRANSLATE_NOOP("ConsentScreen", "您的户籍信息"),
)


class RecordsScreen(Screen):
    personal = True
    needs_identity = True
    name = "records"
    PAGE = 8  # rows per page in landscape; portrait shows more (see page_size)

    def __init__(self, win) -> None:
        super().__init__(win)
        self.who = label("", "hint")
        self.box.addWidget(self.who)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.box.addWidget(self.table, 1)
        self.msg = Outcome()  # page, printed, failed: body size, icon and words
        self.box.addWidget(self.msg)
        row = QHBoxLayout()
        self.prev = button(self.tr("上一页"), "secondary", lambda: self._load(self.page - 1))
        self.next = button(self.tr("下一页"), "secondary", lambda: self._load(self.page + 1))
        self.print_btn = button(self.tr("打印明细"), "", self._print)
        row.addWidget(self.prev)
        row.addWidget(self.next)
        row.addWidget(self.print_btn, 2)
        self.box.addLayout(row)
        self.kind = ""
        self.page = 1
        self.pages = 1
        self.matter: Matter | None = None

    def enter(self, matter: Matter | None = None, **_) -> None:
        self.wipe()
        self.matter = matter or self.matter
        service = (self.matter and self.matter.service) or ""
        self.kind = flow_for(self.matter).param  # the registry only routes record flows here
        title = RECORD_TITLES.get(service, "")
        self.heading.setText(self.tr(title) if title else (self.matter.name if self.matter else ""))
        session = self.services.session
        self.who.setText(f"{session.name_masked}  {session.id_masked}")
        self._load(1)

    def _fetcher(self):
        """A function of (page, size) for the worker: the client and token, never a widget."""
        services, token, kind = self.services, self.services.session.token, self.kind

        def fetch(page: int, size: int):
            c = services.client
            if kind == "gjj":
                return c.gjj_statement(token, page=page, page_size=size)
            if kind == "si":
                return c.si_statement(token, page=page, page_size=size)
            return c.education(token, page=page, page_size=size)

        return fetch

    @property
    def page_size(self) -> int:
        return self.PAGE * 2 if self.win.portrait and not self.win.theme.elder else self.PAGE

    def _load(self, page: int) -> None:
        if page < 1 or page > self.pages:
            return
        self.msg.setText(self.tr("正在查询，请稍候……"))
        fetch, size = self._fetcher(), self.page_size
        self.win.run("records", lambda: fetch(page, size), self._show, self._failed)

    def _show(self, st) -> None:
        self.page, self.pages = st.page, st.pages
        cols, rows = table_rows(self.kind, st)
        self.table.clear()
        self.table.setColumnCount(len(cols))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in cols])  # COLUMN_WORDS
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                item = QTableWidgetItem(v)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        if self.matter is not None and self.matter.service:
            self.win.finish_service(self.matter.service)
        self.msg.setText(
            self.tr("第 %1 页，共 %2 页，共 %3 条")
            .replace("%1", str(st.page))
            .replace("%2", str(st.pages))
            .replace("%3", str(st.total))
        )
        self._buttons(True)

    def _buttons(self, on: bool) -> None:
        self.prev.setEnabled(on and self.page > 1)
        self.next.setEnabled(on and self.page < self.pages)
        self.print_btn.setEnabled(on)

    def _failed(self, exc: Exception) -> None:
        self.msg.error(user_message(exc, self.tr("查询没有成功，请再试一次")))
        self._buttons(False)

    def _print(self) -> None:
        from printing.documents import Statement, render_statement

        session, kind, title = self.services.session, self.kind, self.heading.text()
        holder, id_masked = session.name_masked, session.id_masked
        terminal = self.services.config.terminal_name
        stamp = format_local()  # the terminal's zone (config), not the machine's
        fetch = self._fetcher()

        def render() -> bytes:
            st = fetch_all(fetch)  # every page: the heading's period holds every row of it
            cols, rows = table_rows(kind, st)
            return render_statement(
                Statement(
                    title=title,
                    holder=holder,
                    id_masked=id_masked,
                    period=statement_period(kind, st.rows),
                    columns=cols,
                    rows=rows,
                    printed_at=stamp,
                    terminal=terminal,
                    numeric_columns=[i for i, c in enumerate(cols) if c in NUMERIC],
                )
            )

        self.win.print_document(render, title, self.msg, button=self.print_btn)

    def wipe(self) -> None:
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.who.clear()
        self.msg.clear()
        self.page = self.pages = 1


NUMERIC = {"缴存基数", "个人缴存", "单位缴存", "账户余额", "缴费基数", "个人缴纳", "单位缴纳"}
# the table's column names, offered to lupdate (shown through tr(); printouts stay Chinese)
COLUMN_WORDS = (
    QT_TRANSLATE_NOOP("RecordsScreen", "月份"),
    QT_TRANSLATE_NOOP("RecordsScreen", "缴存单位"),
    QT_TRANSLATE_NOOP("RecordsScreen", "缴存基数"),
    QT_TRANSLATE_NOOP("RecordsScreen", "个人缴存"),
    QT_TRANSLATE_NOOP("RecordsScreen", "单位缴存"),
    QT_TRANSLATE_NOOP("RecordsScreen", "账户余额"),
    QT_TRANSLATE_NOOP("RecordsScreen", "险种"),
    QT_TRANSLATE_NOOP("RecordsScreen", "参保单位"),
    QT_TRANSLATE_NOOP("RecordsScreen", "缴费基数"),
    QT_TRANSLATE_NOOP("RecordsScreen", "个人缴纳"),
    QT_TRANSLATE_NOOP("RecordsScreen", "单位缴纳"),
    QT_TRANSLATE_NOOP("RecordsScreen", "类别"),
    QT_TRANSLATE_NOOP("RecordsScreen", "学校或机构"),
    QT_TRANSLATE_NOOP("RecordsScreen", "专业"),
    QT_TRANSLATE_NOOP("RecordsScreen", "层次"),
    QT_TRANSLATE_NOOP("RecordsScreen", "时间"),
    QT_TRANSLATE_NOOP("RecordsScreen", "内容"),
)


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def table_rows(kind: str, st) -> tuple[list[str], list[list[str]]]:
    if kind == "gjj":
        return (
            ["月份", "缴存单位", "缴存基数", "个人缴存", "单位缴存", "账户余额"],
            [
                [
                    r.month,
                    r.employer,
                    _yuan(r.base),
                    _yuan(r.personal),
                    _yuan(r.employer_part),
                    _yuan(r.balance),
                ]
                for r in st.rows
            ],
        )
    if kind == "si":
        return (
            ["月份", "险种", "参保单位", "缴费基数", "个人缴纳", "单位缴纳"],
            [
                [
                    r.month,
                    r.insurance,
                    r.employer,
                    _yuan(r.base),
                    _yuan(r.personal),
                    _yuan(r.employer_part),
                ]
                for r in st.rows
            ],
        )
    return (
        ["类别", "学校或机构", "专业", "层次", "时间", "内容"],
        [[r.kind, r.school, r.major, r.level, r.date, r.detail] for r in st.rows],
    )


class CertificateScreen(Screen):
    """A preview with the ID masked like every other screen; the certificate is issued only when
    the resident taps 开具并打印, then printed at once (its paper copy carries the full ID)."""

    personal = True
    needs_identity = True
    name = "certificate"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.paper = QFrame()
        self.paper.setObjectName("paper")
        p = QVBoxLayout(self.paper)
        p.setContentsMargins(60, 40, 60, 40)
        self.p_title = label("", "title")
        self.p_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.p_body = label("")
        self.p_fields = label("")
        self.p_issuer = label("")
        self.p_issuer.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.p_code = label("", "hint")
        for w in (self.p_title, self.p_body, self.p_fields, self.p_issuer, self.p_code):
            p.addWidget(w)
        p.addStretch(1)
        self.box.addWidget(self.paper, 1)
        self.msg = Outcome()
        self.box.addWidget(self.msg)
        self.print_btn = button(self.tr("开具并打印"), "", self._print)
        self.box.addWidget(self.print_btn)
        self.cert: api.Certificate | None = None
        self.kind: api.CertificateKind | None = None
        self.matter: Matter | None = None

    def enter(self, matter: Matter | None = None, **_) -> None:
        self.wipe()
        self.matter = matter
        self.heading.setText(self.tr("证明预览"))
        self.kind = api.CertificateKind(flow_for(matter).param)
        session = self.services.session
        self.p_title.setText(matter.name if matter else "")
        self.p_body.setText(
            self.tr("申请人：")
            + session.name_masked
            + "\n"
            + self.tr("公民身份号码：")
            + session.id_masked
        )
        self.msg.setText(
            self.tr("点“开具并打印”后开具证明并马上打印。纸质证明上印有您完整的姓名和身份证号码。")
        )
        self.print_btn.setText(self.tr("开具并打印"))
        self.print_btn.setEnabled(True)

    def _print(self) -> None:
        if not self.print_btn.isEnabled():
            return  # one issue, one print per tap
        if self.cert is not None:
            self._print_cert(self.cert)
            return
        self.print_btn.setEnabled(False)
        self.msg.busy(self.tr("正在开具，请稍候……"))
        services, token, kind = self.services, self.services.session.token, self.kind
        self.win.run(
            "certificate",
            lambda: services.client.issue_certificate(token, kind),
            self._issued,
            self._failed,
        )

    def _issued(self, cert: api.Certificate) -> None:
        self.cert = cert
        self._show(cert)
        self._print_cert(cert)

    def _show(self, cert: api.Certificate) -> None:
        """On screen: the name and ID masked, wherever the certificate's text carries them."""

        def masked(text: str) -> str:
            return text.replace(cert.id_number, mask_id(cert.id_number)).replace(
                cert.name, mask_name(cert.name)
            )

        self.p_title.setText(cert.title)
        self.p_body.setText(masked(cert.body))
        self.p_fields.setText("\n".join(f"{k}：{masked(v)}" for k, v in cert.fields.items()))
        self.p_issuer.setText(f"{cert.issuer}\n{cert.issued_at[:10]}")
        self.p_code.setText(self.tr("验证码：") + cert.code)

    def _print_cert(self, cert: api.Certificate) -> None:
        from printing.documents import render_certificate

        demo, terminal = self.services.config.demo, self.services.config.terminal_name
        self.print_btn.setEnabled(True)  # print_document disables it until the outcome
        self.win.print_document(
            lambda: render_certificate(cert, sample=demo, terminal=terminal),
            cert.title,
            self.msg,
            button=self.print_btn,
            on_done=self._printed,
        )

    def _printed(self, result) -> None:
        self.print_btn.setText(self.tr("再打印一份"))
        if result.ok and self.matter is not None and self.matter.service:
            self.win.finish_service(self.matter.service)

    def _failed(self, exc: Exception) -> None:
        self.msg.error(user_message(exc, self.tr("开具没有成功，请再试一次")))
        self.print_btn.setEnabled(True)

    def wipe(self) -> None:
        self.cert = None
        for w in (self.p_title, self.p_body, self.p_fields, self.p_issuer, self.p_code, self.msg):
            w.clear()
        self.print_btn.setEnabled(False)
