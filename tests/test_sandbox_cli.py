"""`kiosk sandbox` as a technician runs it, and schemathesis fuzzing its own OpenAPI document."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from kiosk.backend.store import demo_residents

ROOT = Path(__file__).resolve().parent.parent


def kiosk_cmd() -> list[str]:
    exe = shutil.which("kiosk")
    return [exe] if exe else [sys.executable, "-m", "app.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def open_sandbox(tmp_path_factory):
    port = free_port()
    data = tmp_path_factory.mktemp("sandbox")
    log = (data / "sandbox.log").open("wb")  # not a pipe: nobody reads it while tests run,
    proc = subprocess.Popen(  # and a full pipe would stop the backend at its next log line
        [*kiosk_cmd(), "sandbox", "--open", "--port", str(port), "--data", str(data)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            requests.get(url + "/openapi.json", timeout=10)
            break
        except requests.RequestException:  # not up yet, or slow on a busy machine
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("sandbox did not start: " + (data / "sandbox.log").read_text())
    yield url, data
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def test_open_refused_off_loopback():
    p = subprocess.run(
        [*kiosk_cmd(), "sandbox", "--open", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2 and "loopback" in p.stderr and "Traceback" not in p.stderr


def test_sandbox_serves_and_seeds(open_sandbox):
    url, data = open_sandbox
    doc = requests.get(url + "/openapi.json", timeout=5).json()
    assert doc["openapi"].startswith("3.") and "/v1/utilities/gas/orders" in doc["paths"]
    assert not any(p.startswith("/v1/sandbox") for p in doc["paths"])
    assert (data / "backend.sqlite3").exists()
    r = requests.get(url + "/v1/utilities/gas/accounts/100200300", timeout=5)
    assert r.status_code == 200 and r.json()["holder_masked"] == "王*国"


def test_committed_openapi_matches_the_code(tmp_path):
    out = tmp_path / "openapi.json"
    subprocess.run([*kiosk_cmd(), "openapi", "--out", str(out)], check=True, timeout=60)
    committed = json.loads((ROOT / "docs" / "api" / "openapi.json").read_text(encoding="utf-8"))
    assert json.loads(out.read_text(encoding="utf-8")) == committed, (
        "docs/api/openapi.json is stale: run `uv run kiosk openapi --out docs/api/openapi.json`"
    )


def test_schemathesis_finds_no_server_error_or_schema_break(open_sandbox, tmp_path):
    url, _ = open_sandbox
    resident = demo_residents()[1]
    token = requests.post(
        url + "/v1/identity/id-card",
        json={"name": resident["name"], "id_number": resident["id_number"]},
        timeout=5,
    ).json()["token"]
    st = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    p = subprocess.run(
        [
            st,
            "--config-file",  # demo data for the stateful phase; it follows the document's links
            str(ROOT / "tests" / "data" / "schemathesis.toml"),
            "run",
            url + "/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,"
            "content_type_conformance",
            "--max-examples",
            "10",
            "--seed",
            "20261122",
            "-H",
            f"X-Resident-Token: {token}",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = p.stdout[-3000:]
    assert p.returncode == 0, tail
    assert " passed" in tail and "failed" not in tail.split("Test cases:")[-1].split("\n")[1]
    links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", p.stdout)
    assert links and int(links.group(1)) >= 3, p.stdout[-6000:]  # the stateful phase follows them
