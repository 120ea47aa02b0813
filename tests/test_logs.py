"""Logs: INFO to a rotating private file, personal data masked as a last line of defence, one
request id on both sides; and a whole session with real identification leaves no unmasked ID
number or phone number in any log (kiosk, backend, CUPS)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests

from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, demo_residents
from kiosk.logs import PersonalDataFilter, setup_logging, unwatch_personal, watch_personal

ROOT = Path(__file__).resolve().parent.parent
ID_RE = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture()
def logged(tmp_path):
    """The kiosk's logging for one test, then pytest's own again."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    path = setup_logging("INFO", tmp_path, stream=stream)
    yield path, stream
    for h in root.handlers:
        h.close()
    root.handlers[:], root.level = saved
    unwatch_personal()


def test_filter_masks_ids_phones_names_and_tracebacks(logged):
    path, stream = logged
    person = demo_residents()[0]
    log = logging.getLogger("kiosk.test")
    named = {"personal": [person["name"]]}
    log.info("card read: %s %s", person["name"], person["id_number"], extra=named)
    log.warning("sms to %s", person["phone"])
    try:
        raise ValueError(f"bad card {person['id_number']}")
    except ValueError:
        log.exception("reader said")
    watch_personal("欧阳娜娜")
    log.info("served 欧阳娜娜 at window 3")
    text = path.read_text(encoding="utf-8")
    for sink in (text, stream.getvalue()):
        assert person["id_number"] not in sink and person["phone"] not in sink
        assert person["name"] not in sink and "欧阳娜娜" not in sink
        assert "ValueError: bad card " in sink and "****" in sink  # the trace is kept, masked
        assert "欧**娜" in sink
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_info_by_default_and_journal_lines_without_timestamps(tmp_path, monkeypatch):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
        stream = io.StringIO()
        setup_logging("INFO", tmp_path, stream=stream)
        logging.getLogger("kiosk.x").info("printed")
        logging.getLogger("kiosk.x").debug("not shown")
        assert stream.getvalue() == "INFO kiosk.x [-] printed\n"
        assert re.match(
            r"^\d{4}-\d\d-\d\d [\d:,]+ INFO kiosk.x \[-\] printed$",
            (tmp_path / "logs" / "kiosk.log").read_text().strip(),
        )
    finally:
        for h in root.handlers:
            h.close()
        root.handlers[:], root.level = saved


def test_clean_is_idempotent_and_keeps_ordinary_numbers():
    text = "order GO20261202abc 100200300 took 1234 ms; card 110101199003078515"
    once = PersonalDataFilter.clean(text, [])
    assert "100200300" in once and "1234 ms" in once and "110101********8515" in once
    assert PersonalDataFilter.clean(once, []) == once


def test_request_id_is_shared_with_the_backends_line(logged):
    from kiosk.backend.demo import start_backend

    path, _ = logged
    running = start_backend(path.parent.parent / "backend", pay_after_s=None)
    try:
        client = running.client()
        client.heartbeat("t", "1", "ok", "ok")
    finally:
        running.stop()
    lines = path.read_text(encoding="utf-8").splitlines()
    mine = next(x for x in lines if "kiosk.backend.client" in x and "heartbeat" in x)
    rid = re.search(r"\[([0-9a-f]{12})\]", mine).group(1)
    theirs = [x for x in lines if "kiosk.backend.access" in x and f"[{rid}]" in x]
    assert len(theirs) == 1 and "POST /v1/terminal/heartbeat -> 200" in theirs[0]
    assert DEMO_TERMINAL_ID in theirs[0]


def test_a_request_s_path_cannot_write_lines_into_the_log(logged):
    """The access line logs the path as the server decoded it: %0a in a URL, sent by anyone,
    wrote a line of the sender's choosing into the backend's log (dated, levelled, with a request
    id, like a real publish). Control characters are written escaped."""
    from kiosk.backend.demo import start_backend

    path, _ = logged
    running = start_backend(path.parent.parent / "backend", pay_after_s=None)
    forged = "2026-12-04 15:30:00,000 INFO kiosk.backend.access [0123456789ab] FORGED"
    try:
        for where in ("/v1/x%0a", "/console/x%0d%0a", "/console/static/x%0a"):
            requests.get(running.url + where + forged.replace(" ", "%20"), timeout=5)
        # refused by the limits (their own warning line names the path too)
        big = {"X-Anything": "x" * 5000}
        requests.get(running.url + "/v1/y%0a" + forged.replace(" ", "%20"), headers=big, timeout=5)
    finally:
        running.stop()
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if "FORGED" in x]
    assert len(lines) == 5 and sum("kiosk.backend.limits" in x for x in lines) == 1, lines
    assert all(" kiosk.backend." in x and "\\n" in x for x in lines), lines


# ----- a whole session, then every log scanned -----


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SESSION = textwrap.dedent(
    """
    import json, logging, sys, time
    from pathlib import Path
    from kiosk.backend import api
    from kiosk.backend.store import demo_residents
    from kiosk.config import load_config
    from kiosk.logs import setup_logging
    from app.services import Services
    from printing.documents import render_certificate

    import queue
    from kiosk.devices.idcard_sim import SimulatedIdReader, demo_card

    reader = SimulatedIdReader()  # the ID card reader's bytes, on a pseudo-terminal
    cfg_path = Path(sys.argv[1])
    cfg_path.write_text(
        cfg_path.read_text() + f'[devices]\\nid_reader = "serial:{reader.port}:115200"\\n'
    )
    cfg = load_config(cfg_path)
    setup_logging(cfg.log_level, cfg.data_dir)
    services = Services(cfg)
    client = services.client
    person = demo_residents()[0]
    log = logging.getLogger("kiosk.session-test")
    # identification by card: placed on the reader, read by the real driver, sent to the backend
    cards = queue.Queue()
    services.id_reader.listen(cards.put, cards.put)
    reader.place(demo_card(person["name"], person["id_number"]))
    card = cards.get(timeout=60)
    assert card.id_number == person["id_number"], card
    s = client.login_id_card(card.name, card.id_number)
    card.wipe()
    services.session.identified_as(s.token, s.name_masked, s.id_masked)
    while services.heartbeat.sent + services.heartbeat.failed < 1:  # the beat at start first
        time.sleep(0.05)
    assert services.heartbeat.beat_now()  # the reader has been polled: the backend hears "ok"
    log.info("identified %s (%s)", person["name"], person["id_number"])  # careless code
    client.send_sms(person["phone"])
    code = client.sandbox("GET", "/sms/" + person["phone"])["code"]
    s2 = client.verify_sms(person["phone"], code)
    for fetch in (client.gjj_statement, client.si_statement, client.education):
        try:
            fetch(s2.token)
        except Exception as exc:  # this resident has none of that record: logged, as screens do
            log.info("record not found: %s", exc)
    cert = client.issue_certificate(s.token, api.CertificateKind.HARDSHIP)
    result = services.printer.print_pdf(render_certificate(cert, sample=False), "困难群众证明")
    try:
        client.login_id_card(person["name"], person["id_number"][:-1] + "0")
    except Exception as exc:
        log.warning("second login refused: %s", exc)
    # a settled top-up (remote meter)
    from kiosk.topup.journal import State
    flow = services.topup
    entry = flow.start(client.gas_account("100200303"), 15_00)
    client.sandbox("POST", "/orders/%s/pay" % entry.order_id)
    entry = flow.poll(entry)
    services.end_session("test")
    client.end_session(s2.token)
    services.close()
    reader.close()
    print(json.dumps({"print": result.state.value, "job": result.job_id, "topup": entry.state}))
    """
)


def cups_logs() -> dict[Path, int]:
    folder = Path("/var/log/cups")
    if not os.access(folder, os.R_OK):
        return {}
    return {p: p.stat().st_size for p in folder.iterdir() if p.is_file() and os.access(p, os.R_OK)}


def test_field_session_leaves_no_personal_data_in_any_log(tmp_path):
    """Field mode end to end: a terminal config (not demo), the signed reference backend in its
    own process, the ID card read through the pty reader by the real driver, the real CUPS
    queue, zh_CN.UTF-8. The certificate prints (completed), the backend has the heartbeat, and
    no log holds an ID number, a phone number or the resident's name."""
    port = free_port()
    backend_data = tmp_path / "backend"
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"}
    backend = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "sandbox",
            "--port",
            str(port),
            "--data",
            str(backend_data),
            "--test-controls",  # the test reads the SMS code and pays the order through them
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url + "/openapi.json", timeout=5)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "sandbox did not start"
                time.sleep(0.1)
        secret = tmp_path / "secret"
        secret.write_text(DEMO_TERMINAL_SECRET)
        secret.chmod(0o600)
        cfg = tmp_path / "kiosk.toml"
        cfg.write_text(
            f'[terminal]\nid = "{DEMO_TERMINAL_ID}"\nsecret_file = "{secret}"\n'
            f'[backend]\nurl = "{url}"\n[data]\ndir = "{tmp_path / "kiosk"}"\n'
            '[printing]\nqueue = "KioskPDF"\n',
            encoding="utf-8",
        )
        before = cups_logs()
        p = subprocess.run(
            [sys.executable, "-c", SESSION, str(cfg)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=240,
        )
        assert p.returncode == 0, p.stderr[-3000:]
    finally:
        backend.terminate()
        b_out, b_err = backend.communicate(timeout=20)
    outcome = json.loads(p.stdout.strip().splitlines()[-1])
    assert outcome["topup"] == "confirmed"
    assert outcome["print"] == "completed" and outcome["job"].startswith("KioskPDF-")
    from kiosk.backend.store import Store

    store = Store(backend_data / "backend.sqlite3")
    try:  # the backend has this terminal's heartbeat, with the reader seen working
        beat = {h["terminal_id"]: h for h in store.latest_heartbeats()}[DEMO_TERMINAL_ID]
    finally:
        store.close()
    assert beat["reader"] == "ok" and beat["printer"] == "ok", beat

    person = demo_residents()[0]
    sinks = {"kiosk stderr": p.stderr, "backend stderr": b_err, "backend stdout": b_out}
    for f in [*(tmp_path / "kiosk" / "logs").glob("*"), *(backend_data / "logs").glob("*")]:
        sinks[str(f)] = f.read_text(encoding="utf-8")
    for f, size in before.items():  # only what CUPS wrote during the session
        with open(f, "rb") as fh:
            fh.seek(size)
            sinks[str(f)] = fh.read().decode("utf-8", "replace")
    kiosk_log = sinks[str(tmp_path / "kiosk" / "logs" / "kiosk.log")]
    assert "identified" in kiosk_log and "second login refused" in kiosk_log  # they were logged
    assert f"print '困难群众证明' on KioskPDF: {outcome['print']}" in kiosk_log  # print outcome
    assert re.search(r"top-up \w+ order GO\w+ account 100200303 1500 fen: confirmed", kiosk_log)
    assert "POST /v1/identity/id-card" in sinks[str(backend_data / "logs" / "backend.log")]
    for name, text in sinks.items():
        assert not ID_RE.findall(text), (name, ID_RE.findall(text)[:3])
        assert not PHONE_RE.findall(text), (name, PHONE_RE.findall(text)[:3])
        assert person["id_number"] not in text and person["phone"] not in text, name
        assert person["name"] not in text, name  # the name the card gave is watched
