"""Home， categories， a matter's page （办事指南）， and search by pinyin keypad."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QWidget,
)

from kiosk.catalog import Matter
from kiosk.flows import flow_for, hot_matters
from ui.screens.base import Screen
from ui.widgets import (
    BigList,
    Card,
    LetterKeypad,
    MicButton,
    Outcome,
    Tile,
    button,
    display_field,
    label,
)

# Why voice may be off (set by app.services / voice.audio), offered to lupdate for translation.
VOICE_REASONS = (
    QT_TRANSLATE_NOOP("HomeScreen", "未安装语音模型"),
    QT_TRANSLATE_NOOP("HomeScreen", "语音模型无法载入"),
    QT_TRANSLATE_NOOP("HomeScreen", "没有找到麦克风"),
    QT_TRANSLATE_NOOP("HomeScreen", "语音设备未安装"),
)


INITIALS_MAX = 24  # letters on the search keypad: a long name has about 16 initials


class HomeScreen(Screen):
    name = "home"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("您好！请问您要办什么事？"))
        self.top = top = QGridLayout()
        top.setSpacing(16)
        self.mic = MicButton(self.tr("点我说话"))
        self.mic.setMinimumSize(240, 150)
        self.mic.set_off(True)
        self.mic.clicked.connect(self._mic)
        self.mic_hint = label(self.tr("语音助手准备中"), "hint")
        self.voice_note = Outcome()  # said when the resident taps the microphone while it is off
        self.search_btn = search = button(self.tr("按拼音首字母查找"), "", lambda: win.go("search"))
        search.setMinimumHeight(150)
        self.elder = elder = button(self.tr("长辈模式"), "secondary", win.toggle_elder)
        elder.setMinimumHeight(150)
        self.lang = button("English", "secondary", win.toggle_language)
        self.lang.setMinimumHeight(150)
        self.box.addLayout(top)
        self.box.addWidget(self.mic_hint)
        self.box.addWidget(self.voice_note)
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        self.box.addLayout(self.grid, 3)
        self.box.addWidget(label(self.tr("常用事项"), "hint"))
        self.hot = QGridLayout()
        self.hot.setSpacing(12)
        self.box.addLayout(self.hot)
        self._portrait: bool | None = None
        self.rebuild()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if (self.height() > self.width()) != self._portrait:
            self.rebuild()

    def rebuild(self) -> None:
        """Lay tiles out for the theme and orientation (fewer per row in elder mode)."""
        self._portrait = portrait = self.height() > self.width()
        # the top row: one line in landscape, two in portrait
        for w in (self.mic, self.search_btn, self.elder, self.lang):
            self.top.removeWidget(w)
        if portrait:
            self.top.addWidget(self.mic, 0, 0)
            self.top.addWidget(self.search_btn, 0, 1)
            self.top.addWidget(self.elder, 1, 0)
            self.top.addWidget(self.lang, 1, 1)
            for i, stretch in enumerate((1, 1, 0, 0)):
                self.top.setColumnStretch(i, stretch)
        else:
            for i, w in enumerate((self.mic, self.search_btn, self.elder, self.lang)):
                self.top.addWidget(w, 0, i)
            for i, stretch in enumerate((2, 3, 2, 1)):
                self.top.setColumnStretch(i, stretch)
        for layout in (self.grid, self.hot):
            while layout.count():
                w = layout.takeAt(0).widget()
                w.hide()
                w.deleteLater()
        self.elder.setText(self.tr("普通模式") if self.win.theme.elder else self.tr("长辈模式"))
        # the other language, named in itself
        self.lang.setText("中文" if self.win.lang == "en_US" else "English")
        cats = self.services.catalog.catalog.categories()
        cols = self.win.theme.columns
        limit = cols * (3 if self.win.theme.elder else 4)
        shown = cats[: limit - 1] if len(cats) > limit else cats
        for i, cat in enumerate(shown):
            self.grid.addWidget(
                Tile(cat, i, lambda _=False, c=cat: self.win.go("category", category=c)),
                i // cols,
                i % cols,
            )
        if len(shown) < len(cats):
            i = len(shown)
            self.grid.addWidget(
                Tile(self.tr("更多分类"), i, lambda: self.win.go("category", category=None)),
                i // cols,
                i % cols,
            )
        hot_cols = 3 if self.win.theme.elder or portrait else 6
        shown_hot = hot_matters(
            self.services.catalog.catalog,
            self.services.config.hot_matters,
            3 if self.win.theme.elder else 6,
        )
        for i, m in enumerate(shown_hot):
            self.hot.addWidget(
                button(_short(m), "secondary", lambda _=False, x=m: self.win.open_matter(x)),
                i // hot_cols,
                i % hot_cols,
            )

    def _mic(self) -> None:
        if self.mic.off:
            self.voice_note.info(
                self.tr("现在不能用语音。请直接用手指点屏幕上的按钮，一样可以办理。")
            )
            self.mic_hint.setVisible(False)  # the note says it, larger, in the hint's place
        else:
            self.win.go("listening")

    def wipe(self) -> None:
        self.voice_note.clear()  # the next resident starts from a plain home screen
        self.mic_hint.setVisible(True)

    def set_voice(self, state: str, why: str = "") -> None:
        self.mic.set_off(state != "ready")
        self.mic.setText(self.tr("点我说话") if state == "ready" else self.tr("语音未开启"))
        if state == "ready":
            self.voice_note.clear()
            self.mic_hint.setVisible(True)
        why = self.tr(why) if why else ""
        self.mic_hint.setText(
            {
                "ready": self.tr("点麦克风，说出您要办的事，例如：贫困证明"),
                "loading": self.tr("语音助手准备中"),
            }.get(state, self.tr("语音暂不可用：") + why + self.tr("；请用按键查找"))
        )


def _short(m: Matter) -> str:
    return m.aliases[0] if m.aliases and len(m.name) > 9 else m.name


class CategoryScreen(Screen):
    name = "category"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.list = BigList()
        self.list.chosen.connect(self._chosen)
        self.box.addWidget(self.list, 1)

    def enter(self, category: str | None = None, **_) -> None:
        cat = self.services.catalog.catalog
        if category is None:
            self.heading.setText(self.tr("全部分类"))
            self.list.set_items([(c, ("cat", c)) for c in cat.categories()])
            return
        self.heading.setText(category)
        rows = [
            (f"{m.name}\n{m.department}", ("matter", m))
            for m in cat.enabled()
            if m.category == category
        ]
        self.list.set_items(rows)

    def _chosen(self, value) -> None:
        kind, v = value
        if kind == "cat":
            self.win.go("category", category=v)
        else:
            self.win.open_matter(v)


# the action buttons' words come from kiosk.flows; listed here for lupdate
ACTION_WORDS = (
    QT_TRANSLATE_NOOP("MatterScreen", "刷身份证查询"),
    QT_TRANSLATE_NOOP("MatterScreen", "刷身份证开证明"),
    QT_TRANSLATE_NOOP("MatterScreen", "开始缴费"),
    QT_TRANSLATE_NOOP("MatterScreen", "开始补写"),
    QT_TRANSLATE_NOOP("MatterScreen", "在这里办理"),
    QT_TRANSLATE_NOOP("MatterScreen", "在这里查询"),
    QT_TRANSLATE_NOOP("MatterScreen", "在这里评价"),
)


class MatterScreen(Screen):
    """The 办事指南 laid out for reading， and what can be done here."""

    name = "matter"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.matter: Matter | None = None
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        from PySide6.QtWidgets import QScroller

        QScroller.grabGesture(scroll.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.body = QWidget()
        self.body.setObjectName("screen")
        self.body_box = QGridLayout(self.body)
        self.body_box.setColumnStretch(0, 1)
        self.body_box.setColumnStretch(1, 1)
        scroll.setWidget(self.body)
        self.box.addWidget(scroll, 1)
        actions = QHBoxLayout()
        self.act = button("", "", self._act)
        self.print_btn = button(self.tr("打印办事指南"), "secondary", self._print)
        actions.addWidget(self.act, 2)
        actions.addWidget(self.print_btn, 1)
        self.box.addLayout(actions)
        self.note = Outcome()  # the guide printed, or why not
        self.box.addWidget(self.note)

    def enter(self, matter: Matter | None = None, **_) -> None:
        if matter is not None:
            self.matter = matter
        m = self.matter
        if m is None:
            return
        self.note.setText("")
        self._warned = False
        self._set_action(m)
        layout_key = (id(m), self.win.theme.elder, self.win.portrait)  # a reload makes new objects
        if getattr(self, "_shown", None) == layout_key:
            return  # the same guide, laid out for the same screen: nothing to rebuild
        self._shown = layout_key
        self.heading.setText(m.name)
        while self.body_box.count():
            self.body_box.takeAt(0).widget().deleteLater()
        g = m.guide
        cards = []
        what = Card()
        what.box.addWidget(label(self.tr("要带什么"), "title"))
        if g and g.materials:
            for n, mat in enumerate(g.materials, 1):
                form = f"（{mat.form}，{mat.copies}份）" if mat.form and mat.copies else ""
                what.box.addWidget(label(f"{n}. {mat.name}{form}"))
        else:
            what.box.addWidget(label(self.tr("不用带材料")))
        cards.append(what)
        where = Card()
        where.box.addWidget(label(self.tr("去哪里、什么时间"), "title"))
        place, hours, phone = self.tr("地点："), self.tr("时间："), self.tr("电话：")
        where.box.addWidget(label(place + ((g and g.location) or m.department)))
        if g and g.hours:
            where.box.addWidget(label(hours + g.hours))
        if g and g.phone:
            where.box.addWidget(label(phone + g.phone))
        cards.append(where)
        how = Card()
        how.box.addWidget(label(self.tr("要多久、花多少钱"), "title"))
        if g and g.time_limit:
            how.box.addWidget(label(self.tr("办结时间：") + g.time_limit))
        if g and g.fee:
            how.box.addWidget(label(self.tr("费用：") + g.fee))
        if g and g.visits is not None:
            how.box.addWidget(
                label(
                    self.tr("不用跑窗口")
                    if g.visits == 0
                    else self.tr("需要到现场 %n 次", "", g.visits)
                )
            )
        cards.append(how)
        if g and g.conditions:
            who = Card()
            who.box.addWidget(label(self.tr("谁可以办"), "title"))
            who.box.addWidget(label(g.conditions))
            cards.insert(0, who)
        cols = 1 if self.win.theme.elder or self.win.portrait else 2
        self.body_box.setColumnStretch(1, 1 if cols == 2 else 0)
        for i, c in enumerate(cards):
            c.box.addStretch(1)  # lines stay together at the top of a taller neighbour's row
            self.body_box.addWidget(c, i // cols, i % cols)

    def _set_action(self, m: Matter) -> None:
        """The action comes from the flow registry: only what this kiosk can finish is offered;
        anything else is a guide that says where to go."""
        flow = flow_for(m)
        runs = flow.runs_here and self.services.devices.offers(flow)  # e.g. no card writer
        self.act.setVisible(runs)
        self.act.setEnabled(True)
        self.act.setText(self.tr(flow.action) if runs else "")
        if not runs:
            self.note.setText(
                self.tr("这项事项不能在本机办理。请按上面写的地点和时间办理，或打印这份指南带上。")
            )

    def _act(self) -> None:
        m = self.matter
        if m is None:
            return
        flow = flow_for(m)
        if flow.prints and not self.win.printing_ok and not self._warned:
            # before anyone swipes a card: the paper this service ends in cannot come out now
            self._warned = True
            self.note.setText(
                self.tr("打印机现在不能用，开出的材料暂时打印不出来。")
                + self.tr("您可以稍后再来，或到人工窗口办理；仍要继续请再点一次。")
            )
            return
        self.win.start_flow(m)

    def _print(self) -> None:
        from kiosk.clock import format_local
        from printing.documents import render_guide

        m = self.matter
        if m is None:
            return
        stamp = format_local()  # the terminal's zone (config), not the machine's
        self.win.print_document(
            lambda: render_guide(m, printed_at=stamp),
            f"办事指南 {m.name}",
            self.note,
            button=self.print_btn,
        )


class SearchScreen(Screen):
    """Letters typed on the app's own keypad; matters update at every key."""

    name = "search"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("按拼音首字母查找"))
        self.box.addWidget(label(self.tr("例如：贫困证明，按 P K Z M"), "hint"))
        left, right = self.split()
        self.field = display_field()
        right.addWidget(self.field)
        self.keys = LetterKeypad()
        self.keys.typed.connect(lambda c: self._set((self.field.text() + c)[:INITIALS_MAX]))
        self.keys.erased.connect(lambda: self._set(self.field.text()[:-1]))
        self.keys.cleared.connect(lambda: self._set(""))
        right.addWidget(self.keys, 1)
        self.status = Outcome()  # found, or not found
        left.addWidget(self.status)
        self.results = BigList()
        self.results.chosen.connect(self.win.open_matter)
        left.addWidget(self.results, 1)

    def enter(self, query: str = "", **_) -> None:
        self._set(query)

    def show_results(self, query: str) -> None:
        """Also used by the voice assistant: show what the engine found for a query."""
        self.field.setText(query)
        if query and not self.services.search_ready:
            # the index is still being built at start-up: never wait for it here
            self.status.setText(self.tr("正在准备查找，请稍候……"))
            services = self.services
            self.win.run(
                "search-ready",
                lambda: services.search,
                lambda _e: self.show_results(self.field.text()),
                lambda _e: None,
            )
            return
        r = self.services.search.search(query, top=8) if query else None
        if r is None:
            self.results.set_items([])
            self.status.setText("")
            return
        self.services.session.searched(query, r.matched)  # counted if nothing is opened
        self.results.set_items(
            [(f"{h.matter.name}\n{h.matter.department}", h.matter) for h in r.hits]
        )
        if r.matched:
            self.status.setText(self.tr("为您找到 %n 项", "", len(r.hits)))
        elif r.hits:
            self.status.setText(self.tr("您是不是要办："))  # the engine's best few, to choose
        else:
            self.status.setText(self.tr("没有找到，请换几个字母试试，或点“首页”按分类找"))

    def _set(self, text: str) -> None:
        self.show_results(text.upper() if text.isascii() else text)
