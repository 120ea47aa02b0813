"""How the kiosk looks and fits: outcomes, labels, contrast, the idle countdown, voice off,
window size in every mode, English wording. Real widgets, offscreen (pytest-qt)."""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import UTC, datetime

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui import theme
from ui.app import make_app
from ui.theme import Theme, contrast
from ui.widgets import BADGE_COLOURS, Choice, LabeledField, Outcome, format_date, label


@pytest.fixture(scope="module")
def app():
    return make_app()


def styled(widget, elder: bool = False):
    widget.setStyleSheet(Theme(elder=elder).stylesheet())
    return widget


def colours(widget) -> Counter:
    img = widget.grab().toImage()
    c: Counter = Counter()
    for x in range(0, img.width()):
        for y in range(0, img.height()):
            c[img.pixelColor(x, y).name()] += 1
    return c


def text_contrast(widget, background: str) -> float:
    """The strongest contrast any pixel of the rendered widget has with its background: the
    core of the glyph strokes, i.e. the colour the text is really drawn in."""
    return max(contrast(name, background) for name in colours(widget))


# ----- outcomes, labelled fields, chosen options -----


def test_outcome_says_it_in_words_with_an_icon_and_body_size_text(app, qtbot):
    holder = styled(QWidget())
    qtbot.addWidget(holder)
    o = Outcome()
    QVBoxLayout(holder).addWidget(o)
    holder.resize(900, 160)
    holder.show()
    assert not o.isVisible() and o.text() == "" and o.kind() == ""
    o.ok("打印完成，请取走您的材料")
    assert o.isVisible() and o.kind() == "ok" and o.text() == "打印完成，请取走您的材料"
    assert o.words.font().pixelSize() >= Theme().body  # body text or larger, never a hint
    assert o.icon.isVisible() and o.icon.width() >= Theme().body
    seen = colours(o)
    assert theme.OK.lower() in seen and theme.ACCENT.lower() not in seen  # success is never red
    o.error("没有查到您的记录")
    assert o.kind() == "error" and theme.ACCENT.lower() in colours(o)
    o.busy("正在打印，请稍候……")
    assert o.kind() == "busy"
    o.info("请到人工窗口办理")
    assert o.kind() == "info" and o.text() == "请到人工窗口办理"
    o.clear()
    assert not o.isVisible() and o.text() == ""


def test_outcome_icons_differ_by_shape_not_only_colour(app, qtbot):
    """The same icon drawn in one colour would look alike to a colour-blind resident: each
    kind's white glyph must have its own shape."""
    shapes = {}
    for kind in ("ok", "error", "info", "busy"):
        o = styled(Outcome())
        qtbot.addWidget(o)
        getattr(o, kind)("x")
        o.show()
        img = o.icon.grab().toImage()
        shapes[kind] = frozenset(
            (x, y)
            for x in range(img.width())
            for y in range(img.height())
            if img.pixelColor(x, y).lightness() > 230
        )
    kinds = list(shapes)
    for i, a in enumerate(kinds):
        for b in kinds[i + 1 :]:
            assert shapes[a] != shapes[b], (a, b)


def test_field_label_sits_above_the_field(app, qtbot):
    f = styled(LabeledField("手机号（11位）"))
    qtbot.addWidget(f)
    f.resize(600, 200)
    f.show()
    assert f.label.text() == "手机号（11位）"
    assert isinstance(f.field, QLineEdit)
    assert f.label.geometry().bottom() <= f.field.geometry().top()


def test_chosen_option_carries_a_mark(app, qtbot):
    holder = styled(QWidget())
    qtbot.addWidget(holder)
    row = QVBoxLayout(holder)
    a, b = Choice("50元"), Choice("100元")
    row.addWidget(a)
    row.addWidget(b)
    holder.resize(300, 260)
    holder.show()
    plain = colours(a)
    a.click()
    assert a.isChecked() and a.marked_text().startswith("✔") and a.text() == "50元"
    assert colours(a) != plain and b.marked_text() == "100元"
    b.click()  # one chosen at a time: the mark moves
    assert b.isChecked() and b.marked_text().startswith("✔")
    assert not a.isChecked() and a.marked_text() == "50元"


# ----- contrast -----


def test_every_text_colour_pair_meets_4_5_to_1():
    # a scroll handle is not text, but it must be seen on its track (WCAG 1.4.11: 3:1)
    assert contrast(theme.SCROLL_HANDLE, theme.OFF_BG) >= 3
    for fg, bg, where in theme.PAIRS:
        assert contrast(fg, bg) >= 4.5, (fg, bg, where, round(contrast(fg, bg), 2))
    for badge in BADGE_COLOURS:
        assert contrast("#ffffff", badge) >= 4.5, badge


def test_stylesheet_uses_only_checked_text_colours():
    """Every ``color:`` in the stylesheet is a text colour of a checked pair, and every
    background it sets is the background of one, so no new pair slips in unchecked."""
    css = Theme().stylesheet() + Theme(elder=True).stylesheet()
    fgs = {fg.lower() for fg, _, _ in theme.PAIRS}
    bgs = {bg.lower() for _, bg, _ in theme.PAIRS}
    for value in re.findall(r"(?<![-\w])color:\s*([^;]+);", css):
        assert value.strip().lower() in fgs, value
    for value in re.findall(r"placeholder-text-color:\s*([^;]+);", css):
        assert value.strip().lower() in fgs, value
    for value in re.findall(r"background:\s*([^;]+);", css):
        v = value.strip().lower()
        assert v in bgs or v == "transparent" or v in {c.lower() for c in theme.NON_TEXT}, v


def test_rendered_placeholder_disabled_and_hint_text_meet_4_5_to_1(app, qtbot):
    edit = styled(QLineEdit())
    edit.setPlaceholderText("请输入手机号")
    qtbot.addWidget(edit)
    edit.resize(500, 100)
    edit.show()
    assert text_contrast(edit, "#ffffff") >= 4.5

    off = styled(QPushButton("打印"))
    off.setEnabled(False)
    qtbot.addWidget(off)
    off.resize(300, 100)
    off.show()
    assert text_contrast(off, theme.OFF_BG) >= 4.5

    hint = styled(label("例如：贫困证明，按 P K Z M", "hint"))
    qtbot.addWidget(hint)
    hint.resize(700, 80)
    hint.show()
    assert text_contrast(hint, theme.PAPER) >= 4.5


# ----- the header date -----


def test_header_date_in_chinese_and_english():
    t = datetime(2026, 12, 2, 0, 45, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Asia/Shanghai")
    )
    assert format_date(t) == "2026年12月2日 08:45"
    english = format_date(t, lambda s: "{d} {mon} {y}, {hm}")
    assert english == "2 Dec 2026, 08:45"


# ----- the whole window -----


@pytest.fixture(scope="module")
def services(app, tmp_path_factory):
    from app.services import Services
    from kiosk.config import Config

    s = Services(Config(data_dir=tmp_path_factory.mktemp("look")))
    yield s
    s.close()


def make_window(services, qtbot, size=(1920, 1080), elder=False):
    from ui.window import KioskWindow

    services.config.elder = elder
    w = KioskWindow(services, lockdown=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    return w


@pytest.fixture()
def win(services, qtbot):
    w = make_window(services, qtbot)
    yield w
    w.home()
    w.ops.wait()
    w.exit_app()


def test_idle_countdown_is_20_s_in_large_digits_opaque_and_sounds(win, qtbot, services):
    from kiosk.config import Config

    assert Config().idle_countdown_s >= 20
    services.config.idle_countdown_s = 5  # a config asking for less still gets 20 s
    from ui.screens.system import IdleOverlay

    short = IdleOverlay(win.centralWidget(), 5)
    assert short.seconds == 20
    win.go("category", category="社保")
    o = win.overlay
    o.start()
    assert o.isVisible() and o.left >= 20 and o.digits.text() == str(o.left)
    assert o.digits.font().pixelSize() >= 3 * win.theme.body  # large digits
    assert o.sounds and o.sounds[-1] in ("device", "beep")  # this machine has no sound card
    # opaque: what is underneath does not change a single pixel outside the dialog
    first = win.grab().toImage()
    o.hide()
    win.go("search")
    o.start()
    second = win.grab().toImage()
    dialog = o.findChild(QWidget, "dialog").geometry().translated(o.mapTo(win, o.rect().topLeft()))
    diff = [
        (x, y)
        for x in range(0, first.width(), 7)
        for y in range(0, first.height(), 7)
        if not dialog.contains(x, y) and first.pixelColor(x, y) != second.pixelColor(x, y)
    ]
    assert diff == []
    while o.left > IdleOverlay.CHIME_AT:
        o._tick()
    assert len(o.sounds) >= 2  # a second chime near the end
    o._keep()


def test_voice_off_shows_off_and_a_tap_says_touch_works(win, qtbot, services):
    from PySide6.QtCore import Qt

    home = win.screens["home"]
    win._update_status()
    if services.voice_state == "ready":
        pytest.skip("voice is on here")
    assert home.mic.off and home.mic.isEnabled()  # tappable, drawn off
    assert "未开启" in home.mic.text()
    # drawn light grey with a dashed frame, not like a live (blue) button
    assert colours(home.mic).most_common(1)[0][0] == theme.OFF_BG.lower()
    qtbot.mouseClick(home.mic, Qt.MouseButton.LeftButton)
    assert win.current == "home"
    said = home.voice_note.text()
    assert home.voice_note.isVisible() and "不能用语音" in said and "手指" in said


def test_header_clock_follows_the_configured_timezone(win, services):
    from zoneinfo import ZoneInfo

    assert win.header.zone == ZoneInfo(services.config.timezone)
    now = datetime.now(ZoneInfo(services.config.timezone))
    assert win.header.clock.text() in (format_date(now), format_date(now.replace(minute=0)))


# ----- the window on a real X display without a window manager (Xvfb) -----

PROBE = """
import json, sys, time
from kiosk.config import Config
from app.services import Services
from ui.app import make_app, place_window
from ui.window import KioskWindow
lockdown = sys.argv[1] == "lockdown"
app = make_app()
s = Services(Config(data_dir=sys.argv[2]))
win = KioskWindow(s, lockdown=lockdown)
place_window(win, lockdown)
end = time.monotonic() + 2
while time.monotonic() < end:
    app.processEvents()
    time.sleep(0.02)
g = win.geometry()
print(json.dumps({"rect": [g.x(), g.y(), g.width(), g.height()], "portrait": win.portrait}))
win.exit_app()
s.close()
"""


def on_bare_x(size: str, mode: str, tmp_path) -> dict:
    import json
    import shutil
    import subprocess
    import sys

    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed (scripts/setup installs it)")
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        display = xvfb.stdout.readline().decode().strip()
        env = dict(os.environ, DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
        out = subprocess.run(
            [sys.executable, "-c", PROBE, mode, str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        xvfb.terminate()
        xvfb.wait()


def test_terminal_window_fills_the_screen_without_a_window_manager(tmp_path):
    got = on_bare_x("1920x1080", "lockdown", tmp_path)
    assert got["rect"] == [0, 0, 1920, 1080]


def test_demo_window_fits_its_screen_and_portrait_screens_get_portrait(tmp_path):
    got = on_bare_x("1080x1920", "demo", tmp_path)
    assert got["rect"] == [0, 0, 1080, 1920] and got["portrait"]
    x, y, w, h = on_bare_x("1366x768", "demo", tmp_path)["rect"]
    assert x >= 0 and y >= 0 and x + w <= 1366 and y + h <= 768 and w > h


# ----- every screen fits, in every mode, without growing the window -----


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_switching_elder_mode_on_every_screen_keeps_the_window_its_size(services, qtbot, size):
    from ui.tour import misfits
    from ui.window import SCREENS

    w = make_window(services, qtbot, size)
    try:
        problems = []
        for name in SCREENS:
            try:
                screen = w.screens[name]
            except (AttributeError, ImportError):  # a screen being rebuilt elsewhere
                continue
            w.stack.setCurrentWidget(screen)
            for _ in range(2):  # elder on, then back to normal
                w.toggle_elder()
                qtbot.wait(20)
                problems += [f"{p} (elder={w.theme.elder})" for p in misfits(w, size, name)]
                w.resize(*size)
        assert problems == []
        assert w.size().toTuple() == size and not w.theme.elder
    finally:
        w.home()
        w.ops.wait()
        w.exit_app()


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_tour_in_elder_mode_fits_and_fails_when_a_screen_does_not(tmp_path, size):
    """The tour's own walk (guide, keypad, identify, records, certificate, top-up, QR, the
    countdown, English) in elder mode fits; asked for a screen too small, it says so."""
    from ui.tour import ScreensDoNotFit, run_tour

    shots = run_tour(tmp_path / "fits", size, "zh_CN", elder=True)
    assert len(shots) >= 10
    with pytest.raises(ScreensDoNotFit) as err:
        run_tour(tmp_path / "small", (size[0] // 2, size[1] // 2), "zh_CN", elder=True)
    assert err.value.problems and len(err.value.shots) >= 10


# ----- English mode -----


def test_receipt_words_in_english_when_the_ui_is_english(tmp_path):
    import subprocess

    from printing.documents import Receipt, render_receipt_pdf
    from printing.receipt_words import localized, set_language

    r = Receipt(
        title="燃气充值凭证",
        lines=[("订单号", "GO-1"), ("充值金额", "50.00元"), ("结果", "已写入燃气卡")],
        notice="请将燃气卡插入燃气表，确认表上金额已增加。",
    )
    assert localized(r, "zh_CN") == r
    en = localized(r, "en_US")
    assert en.title == "Gas top-up receipt"
    assert en.lines == [
        ("Order no.", "GO-1"),
        ("Amount", "50.00 yuan"),
        ("Result", "Written to the gas card"),
    ]
    set_language("en_US")
    try:
        pdf = tmp_path / "r.pdf"
        pdf.write_bytes(render_receipt_pdf(r))
    finally:
        set_language("zh_CN")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Gas top-up receipt" in text and "50.00 yuan" in text and "燃气" not in text


def test_english_keypads_header_date_and_receipts(win, qtbot):
    from printing.receipt_words import language

    win.toggle_language()
    try:
        assert win.lang == "en_US" and language() == "en_US"
        assert "年" not in win.header.clock.text()  # at the switch, not at the next tick
        assert re.match(r"\d{1,2} [A-Z][a-z]{2} \d{4}", win.header.clock.text())
        win.go("search")
        words = {b.text() for b in win.screens["search"].keys.findChildren(QPushButton)}
        assert {"Delete", "Clear"} <= words and "退格" not in words
        from ui.widgets import NumericKeypad

        pad = NumericKeypad()
        qtbot.addWidget(pad)
        assert {"Delete", "OK"} <= {b.text() for b in pad.findChildren(QPushButton)}
    finally:
        win.toggle_language()
    assert win.lang == "zh_CN" and language() == "zh_CN"
    assert "年" in win.header.clock.text()


def test_record_table_headers_in_english(win, qtbot, services):
    from kiosk.backend.store import demo_residents

    person = next(r for r in demo_residents() if r["name"] == "王建国")
    win.toggle_language()
    try:
        win.go("matter", matter=services.catalog.catalog.by_id()["gjj-002"])
        win.screens["matter"].act.click()
        qtbot.waitUntil(lambda: win.current == "identify", timeout=5000)
        win.screens["identify"]._card(person["name"], person["id_number"])
        qtbot.waitUntil(lambda: win.current in ("consent", "records"), timeout=10_000)
        if win.current == "consent":
            win.consent(True)
        table = win.screens["records"].table
        qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=10_000)
        heads = [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())]
        assert "Month" in heads and "Balance" in heads
        assert not any("\u4e00" <= ch <= "\u9fff" for h in heads for ch in h), heads
    finally:
        win.toggle_language()


# ----- instructions above fields, never only in placeholders -----


def test_every_field_instruction_is_also_a_label_above_it(win, qtbot, services):
    from ui.widgets import KeyField

    by_id = services.catalog.catalog.by_id()
    win.go("matter", matter=by_id["gjj-002"])
    win.screens["matter"].act.click()
    qtbot.waitUntil(lambda: win.current == "identify", timeout=5000)
    ident = win.screens["identify"]

    def above(field) -> str:
        box = field.parentWidget()
        assert isinstance(box, LabeledField), field.placeholderText()
        assert box.label.isVisible() and box.label.geometry().bottom() <= field.geometry().top()
        return box.label.text()

    assert above(ident.phone) == ident.phone.placeholderText() != ""
    for d in "13800000002":
        ident.keys.typed.emit(d)
    assert ident.phone.text() == "13800000002"  # the placeholder is gone, the label is not
    ident.keys.confirmed.emit()
    qtbot.waitUntil(lambda: "验证码" in ident.phone.placeholderText(), timeout=10_000)
    assert "验证码" in above(ident.phone)  # the label followed the step: SMS code now
    for name in ("topup", "utility", "feedback"):
        try:
            screen = win.screens[name]
        except (AttributeError, ImportError):
            continue
        for field in screen.findChildren(KeyField):
            if field.placeholderText():
                assert above(field) == field.placeholderText()
