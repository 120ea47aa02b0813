"""Listening: a live level meter, the words as they are heard, then the matters found."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar

from ui.screens.base import Screen
from ui.widgets import BigList, button, label


class _Live(QObject):
    """Carries partial words and levels from the recognizer's thread to the UI thread."""

    partial = Signal(str)
    level = Signal(float)


class ListeningScreen(Screen):
    name = "listening"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("请说出您要办理的事项"))
        self.prompt = label(self.tr("例如：贫困证明、查公积金、交燃气费"), "hint")
        self.box.addWidget(self.prompt)
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setMinimumHeight(36)
        self.box.addWidget(self.meter)
        self.words = label("", "title")
        self.box.addWidget(self.words)
        self.status = label("", "hint")
        self.box.addWidget(self.status)
        self.results = BigList()
        self.results.chosen.connect(self.win.open_matter)
        self.box.addWidget(self.results, 1)
        row = QHBoxLayout()
        self.again = button(self.tr("再说一次"), "", self.start)
        self.done_btn = button(self.tr("说完了"), "secondary", self.stop)
        row.addWidget(self.again)
        row.addWidget(self.done_btn)
        self.box.addLayout(row)
        self.live = _Live(self)
        self.live.partial.connect(self.words.setText, Qt.ConnectionType.QueuedConnection)
        self.live.level.connect(
            lambda v: self.meter.setValue(int(v * 100)), Qt.ConnectionType.QueuedConnection
        )
        self.source = None
        self.command_handler = None  # the window: what to do with 返回, 首页, 打印 ...

    def enter(self, **_) -> None:
        self.start()

    def start(self) -> None:
        services = self.services
        if services.voice is None:
            self.status.setText(self.tr("语音暂不可用，请用按键查找"))
            return
        try:
            self.source = services.audio_source() if services.audio_source else _microphone()
        except Exception as exc:
            self.status.setText(getattr(exc, "reason", self.tr("没有找到麦克风")))
            return
        self.results.set_items([])
        self.words.setText("")
        self.status.setText(self.tr("正在听……"))
        self.again.setEnabled(False)
        self.done_btn.setEnabled(True)
        source, live = self.source, self.live
        self.win.ops.run(
            "listen",
            lambda: services.voice.listen(
                source, on_partial=live.partial.emit, on_level=live.level.emit
            ),
            self._heard,
            self._failed,
        )

    def stop(self) -> None:
        """The resident's second tap: end the utterance now."""
        if self.source is not None:
            self.source.stop()

    def _heard(self, heard) -> None:
        self.meter.setValue(0)
        self.again.setEnabled(True)
        self.done_btn.setEnabled(False)
        self.words.setText(heard.text or "")
        if heard.command and self.command_handler:
            self.command_handler(heard.command)
            return
        hits = heard.result.hits if heard.result else []
        if heard.text:
            self.services.session.searched(heard.text, heard.matched)
        self.results.set_items(
            [(f"{h.matter.name}\n{h.matter.department}", h.matter) for h in hits]
        )
        if heard.matched:
            self.status.setText(self.tr("为您找到 %n 项", "", len(hits)))
        elif hits:
            # not sure: ask back with the best guess rather than say nothing was found
            ask = self.tr("您是不是要办“%1”？请点一下它，或再说一次")
            self.status.setText(ask.replace("%1", hits[0].matter.name))
        else:
            self.status.setText(self.tr("没有听清，请再说一次"))

    def _failed(self, exc: Exception) -> None:
        self.again.setEnabled(True)
        self.done_btn.setEnabled(False)
        self.status.setText(getattr(exc, "reason", self.tr("没有听清，请再说一次")))

    def wipe(self) -> None:
        self.stop()
        self.words.clear()
        self.status.clear()
        self.results.set_items([])


def _microphone():
    from voice.audio import MicSource

    return MicSource()
