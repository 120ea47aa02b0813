"""The `kiosk` command as other tools drive it: forms, JSON and exit codes of the contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from .conftest import EVAL

KIOSK = shutil.which("kiosk") or ""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    cmd = [KIOSK] if KIOSK else [sys.executable, "-m", "app.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, input=stdin, timeout=60)


def test_search_json_single():
    p = run("search", "--json", "--top", "2", "贫困 证明")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["q"] == "贫困 证明" and obj["matched"] is True and isinstance(obj["ms"], float)
    assert obj["results"][0]["id"] == "mz-001" and len(obj["results"]) <= 2


def test_search_region_reads_a_named_place_as_another_province():
    """--region says where the terminal stands: 户口在成都 at a 广安 terminal is the 省内 twin;
    the street list names no place, so without it the kiosk only suggests."""
    street = str(EVAL.parent / "real" / "street_catalog.json")
    q = "户口在成都 想在这边办身份证"
    got = []
    for extra in ((), ("--region", "四川省广安市广安区")):
        p = run("search", "--json", "--catalog", street, *extra, q)
        assert p.returncode == 0, p.stderr
        obj = json.loads(p.stdout)
        got.append((obj["matched"], obj["results"][0]["name"]))
    assert not got[0][0] and got[1] == (True, "居民身份证省内异地办理")


def test_search_batch_one_line_per_input(tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"q": "公积金 查询", "expect": ["x"]}\n{"q": "明天 会 下雨 吗"}\n', encoding="utf-8"
    )
    p = run("search", "--catalog", str(EVAL / "dev_catalog.json"), "--batch", str(batch))
    assert p.returncode == 0, p.stderr
    out = [json.loads(line) for line in p.stdout.splitlines()]
    assert [o["q"] for o in out] == ["公积金 查询", "明天 会 下雨 吗"]
    assert out[0]["matched"] and out[0]["results"][0]["id"] == "d-gjj-query"
    assert not out[1]["matched"]
    assert all(len(o["results"]) <= 5 for o in out)


def test_search_human_output():
    p = run("search", "公积金")
    assert p.returncode == 0 and "公积金" in p.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("search", "--catalog", "/no/such/file.json", "x"), "not found"),
        (("search", "--top", "0", "x"), "--top"),
        (("search", "--top", "many", "x"), "--top"),
        (("search",), "QUERY"),
        (("search", "--bogus", "x"), "unrecognized"),
    ],
)
def test_bad_usage_exits_2_with_one_line(args, needle):
    p = run(*args)
    assert p.returncode == 2
    assert needle in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr


def test_bad_batch_and_bad_catalog(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"q": "ok"}\n{"query": "no q"}\n', encoding="utf-8")
    p = run("search", "--batch", str(batch))
    assert p.returncode == 2 and ":2:" in p.stderr
    assert [json.loads(x).get("error") is None for x in p.stdout.splitlines()] == [True, False]
    cat = tmp_path / "c.json"
    cat.write_text('{"version": "1", "matters": [{"id": "a", "kind": "x"}]}', encoding="utf-8")
    p = run("search", "--catalog", str(cat), "x")
    assert p.returncode == 2 and "refused" in p.stderr and "Traceback" not in p.stderr


def test_catalog_check(tmp_path):
    p = run("catalog", "check", "--json", str(EVAL / "dev_catalog.json"))
    # the contract's keys, with the lint's "warnings" beside them
    expected = {"ok": True, "version": "dev-1", "matters": 32}
    assert p.returncode == 0 and expected.items() <= json.loads(p.stdout).items()
    cat = tmp_path / "c.json"
    cat.write_text('{"version": "1", "matters": [{"id": "a", "kind": "x"}]}', encoding="utf-8")
    p = run("catalog", "check", "--json", str(cat))
    out = json.loads(p.stdout)
    assert p.returncode == 2 and not out["ok"]
    assert {"where": "a", "field": "kind"}.items() <= out["problems"][0].items() or any(
        q["field"] == "kind" for q in out["problems"]
    )


def test_repl_answers_then_quits():
    p = run("repl", stdin="贫困证明\n\n")
    assert p.returncode == 0 and "困难群众证明开具" in p.stdout


@pytest.mark.parametrize("sample", ["certificate", "statement", "guide", "receipt"])
def test_print_sample_to_file(tmp_path, sample):
    out = tmp_path / f"{sample}.pdf"
    p = run("print", "--sample", sample, "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_print_usage_errors():
    p = run("print", "--sample", "certificate")
    assert p.returncode == 2 and "--out" in p.stderr
    p = run("print", "--sample", "poster", "--out", "x.pdf")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    p = run("print", "--sample", "guide", "--printer", "NoSuchKioskQueue", "--timeout", "5")
    assert p.returncode == 1 and "打印机" in p.stderr


def test_selfcheck(tmp_path, backend):
    p = run("selfcheck", "--json")
    checks = {c["name"]: c for c in json.loads(p.stdout)}
    assert p.returncode == 0 and checks["catalog"]["status"] == "ok"
    from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET

    secret = tmp_path / "secret"
    secret.write_text(DEMO_TERMINAL_SECRET)
    secret.chmod(0o600)  # a secret others can read is refused
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        f'[terminal]\nid = "{DEMO_TERMINAL_ID}"\nsecret_file = "{secret}"\n'
        f'[backend]\nurl = "{backend.url}"\n[data]\ndir = "{tmp_path / "d"}"\n',
        encoding="utf-8",
    )
    p = run("selfcheck", "--config", str(cfg), "--json")
    checks = {c["name"]: c for c in json.loads(p.stdout)}
    assert checks["backend"]["status"] == "ok", checks["backend"]
    assert checks["region"]["status"] == "warn"  # not set: the technician is told to
    regions = (("四川省广安市广安区", "ok", "四川省 广安市"), ("火星", "warn", ""))
    for region, status, detail in regions:
        text = cfg.read_text("utf-8").replace("[terminal]\n", f'[terminal]\nregion = "{region}"\n')
        other = tmp_path / "region.toml"
        other.write_text(text, "utf-8")
        p = run("selfcheck", "--config", str(other), "--json")
        check = {c["name"]: c for c in json.loads(p.stdout)}["region"]
        assert check["status"] == status and detail in check["detail"], check
    secret.write_text("wrong")
    p = run("selfcheck", "--config", str(cfg), "--json")
    assert p.returncode == 1
    assert json.loads(p.stdout)[1]["status"] == "fail"
