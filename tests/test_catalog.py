"""The catalog contract: valid files load, broken ones are refused whole, every problem named."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog import (
    DEMO_CATALOG,
    CatalogError,
    CatalogStore,
    Kind,
    load_catalog,
    validate_catalog,
)

from .conftest import EVAL

MINIMAL = {
    "version": "t-1",
    "matters": [
        {
            "id": "A-1",
            "name": "困难群众证明开具",
            "department": "民政局",
            "category": "民政",
            "kind": "certificate",
        },
    ],
}


def test_minimal_catalog_gets_defaults():
    cat = validate_catalog(MINIMAL)
    m = cat.matters[0]
    assert (m.kind, m.audience.value, m.enabled, m.aliases, m.guide) == (
        Kind.CERTIFICATE,
        "personal",
        True,
        [],
        None,
    )


def test_dev_and_demo_catalogs_load():
    assert len(load_catalog(EVAL / "dev_catalog.json").matters) == 32
    demo = load_catalog(DEMO_CATALOG)
    assert len(demo.enabled()) >= 150
    # every demo matter carries a full guide a resident can act on
    for m in demo.enabled():
        g = m.guide
        assert g and g.location and g.hours and g.time_limit and g.fee is not None, m.id
        assert g.visits is not None and g.online is not None and g.phone, m.id
    assert len(demo.categories()) >= 12


def test_every_problem_is_named_by_id_and_field():
    data = json.loads((EVAL / "dev_catalog.json").read_text(encoding="utf-8"))
    ms = data["matters"]
    ms[0]["kind"] = "bogus"
    ms[1]["nmae"] = "typo"
    ms[2]["aliases"] = "not a list"
    ms[3]["id"] = ms[4]["id"]
    del ms[5]["name"]
    ms[6]["guide"] = {"hrs": "9-5", "visits": 1.5, "materials": [{"name": "x", "copies": "2"}]}
    ms[7]["x-note"] = "extensions are allowed"
    ms[8]["id"] = "bad id!"
    ms[9] = 5
    with pytest.raises(CatalogError) as info:
        validate_catalog(data)
    found = {(p.where, p.field) for p in info.value.problems}
    assert found == {
        ("d-gjj-query", "kind"),
        ("d-gjj-cert", "nmae"),
        ("d-gjj-retire", "aliases"),
        ("d-si-record", "id"),  # the duplicate
        ("d-si-transfer", "name"),
        ("d-si-card-unlock", "guide.hrs"),
        ("d-si-card-unlock", "guide.visits"),
        ("d-si-card-unlock", "guide.materials[0].copies"),
        ("bad id!", "id"),
        ("matters[9]", "(matter)"),
    }
    assert "duplicate" in next(
        p.message for p in info.value.problems if p.field == "id" and p.where == "d-si-record"
    )


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("version"), "version"),
        (lambda d: d.update(matters={}), "matters"),
        (lambda d: d.update(extra=1), "extra"),
        (lambda d: d["matters"][0].update(name="x" * 61), "name"),
        (lambda d: d["matters"][0].update(enabled="yes"), "enabled"),
        (lambda d: d["matters"][0].update(audience="everyone"), "audience"),
        (lambda d: d["matters"][0].update(guide={"visits": "1"}), "guide.visits"),
        (lambda d: d["matters"][0].update(aliases=["ok", ""]), "aliases[1]"),
    ],
)
def test_single_rule_violations(mutate, field):
    data = copy.deepcopy(MINIMAL)
    mutate(data)
    with pytest.raises(CatalogError) as info:
        validate_catalog(data)
    assert field in {p.field for p in info.value.problems}


def test_unreadable_files(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": "1", "matters": [', encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid JSON at line 1"):
        load_catalog(bad)
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "missing.json")
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CatalogError, match="unreadable"):
        load_catalog(bad)


def test_store_keeps_catalog_in_use_when_reload_is_refused(tmp_path: Path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(MINIMAL), encoding="utf-8")
    store = CatalogStore.open(path)
    path.write_text('{"version": "t-2", "matters": [{"id": "A-1"}]}', encoding="utf-8")
    with pytest.raises(CatalogError):
        store.reload()
    assert store.catalog.version == "t-1" and store.catalog.matters[0].name == "困难群众证明开具"
    good = copy.deepcopy(MINIMAL)
    good["version"] = "t-3"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert store.reload().version == "t-3"


# ----- property-based: whatever is thrown at the loader, it accepts a valid catalog or raises
# CatalogError with at least one named problem; it never raises anything else.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
FIELDS = [
    "id",
    "name",
    "department",
    "category",
    "kind",
    "aliases",
    "keywords",
    "audience",
    "enabled",
    "guide",
    "service",
    "nmae",
    "x-extra",
]


@st.composite
def broken_matter(draw):
    m = copy.deepcopy(MINIMAL["matters"][0])
    m["id"] = draw(st.from_regex(r"[A-Za-z0-9]{1,6}", fullmatch=True))
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(FIELDS))
        if draw(st.booleans()):
            m[key] = draw(json_values)
        else:
            m.pop(key, None)
    return m


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(broken_matter(), max_size=5), st.one_of(st.text(max_size=5), json_values))
def test_loader_never_crashes(matters, version):
    data = {"version": version, "matters": matters}
    try:
        cat = validate_catalog(data)
    except CatalogError as exc:
        assert exc.problems
        assert all(p.where and p.field and p.message for p in exc.problems)
    else:
        assert isinstance(version, str) and version
        assert len({m.id for m in cat.matters}) == len(matters)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_loader_refuses_any_non_catalog(value):
    with pytest.raises(CatalogError):
        validate_catalog({"matters": value} if isinstance(value, list) else value)
