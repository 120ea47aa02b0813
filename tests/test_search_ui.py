"""Not matched is not nothing: the kiosk offers the engine's best few (您是不是要办：) and voice
asks back with its best guess. Real widgets, offscreen; the real search engine, demo catalog."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services import Services
from kiosk.config import Config
from ui.app import make_app
from ui.window import KioskWindow
from voice.engine import Heard


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    make_app()
    s = Services(Config(data_dir=tmp_path_factory.mktemp("kiosk")))
    yield s
    s.close()


@pytest.fixture()
def win(services, qtbot):
    w = KioskWindow(services, lockdown=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: services.search_ready, timeout=30_000)
    yield w
    w.home()
    w.ops.wait()
    w.exit_app()


UNSURE = "公积金 怎么 弄 那个 东西 我 也 不 太 清楚 反正 就是 想 问问"  # first is right, not sure


def test_search_offers_suggestions_when_not_matched(win, services):
    r = services.search.search(UNSURE, top=8)
    assert not r.matched and r.hits  # the premise: an unsure query with suggestions
    win.go("search")
    screen = win.screens["search"]
    screen.show_results(UNSURE)
    assert screen.status.text() == "您是不是要办："
    assert screen.results.count() == len(r.hits)
    screen.show_results("公积金查询")
    assert screen.status.text().startswith("为您找到")


def test_voice_asks_back_with_its_best_guess(win, services):
    result = services.search.search(UNSURE, top=6)
    screen = win.screens["listening"]
    screen._heard(Heard(UNSURE, "", 20.0, 2.0, result=result, matched=False))
    text = screen.status.text()
    assert text.startswith("您是不是要办“") and result.hits[0].matter.name in text
    assert "没有" not in text and screen.results.count() == len(result.hits)
