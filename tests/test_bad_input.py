"""Bad files and arguments: exit 2, one line on stderr, no traceback; nothing hangs (issue 10)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog import CatalogError, load_catalog, validate_catalog
from kiosk.search import SearchEngine
from kiosk.search.engine import MAX_QUERY

from .conftest import EVAL

BASE = {
    "id": "a",
    "name": "社会保障卡挂失",
    "department": "人社局",
    "category": "社保",
    "kind": "guide",
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, timeout=120
    )


def catalog_with(**fields) -> dict:
    return {"version": "1", "matters": [{**BASE, **fields}]}


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


BAD_FILES = {
    "deep.json": '{"version": "1", "matters": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "bigint.json": json.dumps(catalog_with()).replace('"guide"', '"guide", "x-n": ' + "9" * 5000),
    "nan.json": json.dumps(catalog_with(guide={"visits": 1})).replace(
        '"visits": 1', '"visits": NaN'
    ),
    "dupkey.json": json.dumps(catalog_with()).replace('"name"', '"name": "x", "name"', 1),
    "binary.json": bytes(range(256)) * 4,
    "huge_alias.json": json.dumps(catalog_with(aliases=["社" * 1_000_000]), ensure_ascii=False),
    "surrogate.json": json.dumps(catalog_with(name="社保\ud800")),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_catalog_check_refuses_bad_files_with_one_line(tmp_path, name):
    path = write(tmp_path, name, BAD_FILES[name])
    p = run("catalog", "check", str(path))
    assert p.returncode == 2, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr + p.stdout
    p = run("search", "--catalog", str(path), "社保卡")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"name": "社保\x00卡"}, "U+0000"),
        ({"name": "社保\u202e卡"}, "RIGHT-TO-LEFT OVERRIDE"),
        ({"aliases": ["社保\u200b卡"]}, "ZERO WIDTH SPACE"),
        ({"department": "   "}, "blank"),
        ({"keywords": ["\u3000"]}, "blank"),
        ({"aliases": ["社保卡\n挂失"]}, "line break"),
        ({"aliases": ["社" * 61]}, "at most 60"),
        ({"keywords": [f"k{i}" for i in range(101)]}, "at most 100"),
        ({"guide": {"visits": 10**100}}, "less than or equal"),
        ({"guide": {"conditions": "条" * 10_001}}, "at most 10000"),
    ],
)
def test_checker_refuses_hidden_characters_blank_fields_and_absurd_sizes(fields, needle):
    with pytest.raises(CatalogError) as err:
        validate_catalog(catalog_with(**fields))
    assert needle in str(err.value)


def test_guide_text_may_have_line_breaks():
    cat = validate_catalog(catalog_with(guide={"conditions": "一、本人\n二、身份证"}))
    assert cat.matters[0].guide.conditions.count("\n") == 1


def test_duplicate_key_named(tmp_path):
    with pytest.raises(CatalogError) as err:
        load_catalog(write(tmp_path, "d.json", BAD_FILES["dupkey.json"]))
    assert "duplicate key 'name'" in str(err.value)


def test_long_query_is_cut_with_a_note_and_stays_fast(dev_engine):
    r = dev_engine.search("公积金查询" + "社" * 4000)
    assert r.note and str(MAX_QUERY) in r.note and r.to_json()["note"] == r.note
    assert r.query.startswith("公积金查询") and len(r.query) == 4005
    assert "note" not in dev_engine.search("公积金查询").to_json()
    # every catalog that passes the check has bounded texts: the cut is the whole guard
    assert len(dev_engine.tokens("社" * 4000)) <= 4000


def test_only_the_cut_query_is_ever_searched(dev_engine, monkeypatch):
    """Every search pass (the query, its initials read as words, its typed words alone) sees
    at most MAX_QUERY characters, matched or not (a retry once searched all 4,000)."""
    seen: list[int] = []
    search = dev_engine._search

    def spy(query, *args):
        seen.append(len(query))
        return search(query, *args)

    monkeypatch.setattr(dev_engine, "_search", spy)
    for query in ("社保卡挂失" * 800, "sfz 过期 换 " * 400, "jzz zenme ban " * 400):
        dev_engine.search(query)
    assert seen and max(seen) <= MAX_QUERY


def test_bad_batch_lines_get_an_error_object_and_the_rest_go_on(tmp_path):
    lines = [
        b'{"q": "\xe5\x85\xac\xe7\xa7\xaf\xe9\x87\x91\xe6\x9f\xa5\xe8\xaf\xa2"}',  # 公积金查询
        b'{"q": "\\ud800"}',  # a lone surrogate
        b"\xff\xfe\x00",  # not UTF-8
        b"[" * 100_000,  # nested too deep
        b'{"q": 1' + b"0" * 5000 + b"}",  # not a string (and a huge integer)
        b'{"q": "\xe8\xb4\xab\xe5\x9b\xb0\xe8\xaf\x81\xe6\x98\x8e"}',  # 贫困证明
    ]
    batch = write(tmp_path, "b.jsonl", b"\n".join(lines) + b"\n")
    p = run("search", "--catalog", str(EVAL / "dev_catalog.json"), "--batch", str(batch))
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(out) == 6
    assert [o.get("line") for o in out] == [None, 2, 3, 4, 5, None]
    assert out[0]["matched"] and out[-1]["matched"]
    assert all(o["error"] for o in out[1:5]) and all(o["results"] == [] for o in out[1:5])


def test_query_that_is_not_text_is_refused():
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "search",
            b"\xff\xfe".decode("utf-8", "surrogateescape"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2 and "not valid text" in p.stderr and "Traceback" not in p.stderr


def test_catalog_at_every_limit_still_searches():
    """A catalog at every size limit still searches (the limits keep the engine bounded)."""
    cat = validate_catalog(
        catalog_with(aliases=["社保" * 30] * 100, keywords=["卡" * 60] * 100, name="社" * 60)
    )
    r = SearchEngine(cat).search("社保卡" * 30)
    assert r.hits and r.hits[0].matter.id == "a"


@pytest.mark.parametrize("escaped", [True, False])
@pytest.mark.parametrize(
    "value",
    [
        "社保\x00卡",
        "社保\x1f卡",
        "社保\x7f卡",
        "社保\x85卡",
        "社保\u200b卡",
        "社保\u200d卡",
        "社保\u202e卡",
        "社保\u2066卡",
        "社保\u2028卡",
        "社保\ufeff卡",
        "社保\ufff9卡",
        "社保卡\n",
        "社保卡\t",
        "   ",
        "\u3000",
        "\u00a0 ",
    ],
)
def test_files_are_checked_as_thoroughly_as_parsed_data(tmp_path, value, escaped):
    """load_catalog skips the field walk for text with nothing suspect in it: that shortcut must
    never let through what validate_catalog refuses, written raw or as a JSON escape."""
    text = json.dumps(catalog_with(aliases=[value]), ensure_ascii=escaped)
    with pytest.raises(CatalogError):
        validate_catalog(json.loads(text))
    with pytest.raises(CatalogError):
        load_catalog(write(tmp_path, "c.json", text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_searches_without_error(demo_engine, query):
    r = demo_engine.search(query)
    assert r.query == query and all(0.0 <= h.score <= 1.0 for h in r.hits)
    json.dumps(r.to_json(), ensure_ascii=False)


@pytest.mark.parametrize(
    "query", ["社保\ud800卡", "\udfff", "\x00\x00", "\u202e公积金", "公积金\u200b查询"]
)
def test_lone_surrogates_and_hidden_characters_in_a_query(demo_engine, query):
    """The engine takes any str (the CLI refuses lone surrogates before it): never an error."""
    r = demo_engine.search(query)
    assert r.query == query
