"""The 事项清单 as admins keep it (a spreadsheet) to a catalog and back; what changed between two.

Provincial platforms export lists with a title row above the headers, merged cells (one
实施主体 spanning its matters), numbers and dates where text is meant, and materials as numbered
lines in one cell. ``import_table`` reads such a sheet, takes every row it can and names every row
it refuses (row number, column, reason), so that an admin fixes the few rows and imports again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.catalog import Catalog, CatalogError, Guide, Kind, Material, Matter, validate_catalog

# Header as lists carry it -> catalog field ("guide.x" inside the guide). First name is the one
# export writes. Headers are compared without spaces, asterisks and a trailing （…） unit note.
COLUMNS: dict[str, list[str]] = {
    "id": ["实施编码", "事项编码", "基本编码", "事项代码", "编码", "id"],
    "name": ["事项名称", "实施清单名称", "名称", "name"],
    "department": ["实施主体", "实施机构", "办理部门", "部门", "department"],
    "category": ["主题分类", "主题", "分类", "category"],
    "kind": ["办理项类型", "事项类型", "办理类型", "kind"],
    "audience": ["服务对象", "audience"],
    "guide.location": ["办理地点", "受理地点", "location"],
    "guide.hours": ["办理时间", "受理时间", "hours"],
    "guide.time_limit": ["承诺时限", "承诺办结时限", "承诺期限", "time_limit"],
    "guide.fee": ["收费", "是否收费", "收费标准", "fee"],
    "guide.visits": ["到现场次数", "到办事现场次数", "跑动次数", "visits"],
    "guide.online": ["是否网办", "是否可网办", "可网办", "online"],
    "guide.materials": ["申请材料", "材料", "materials"],
    "guide.basis": ["设定依据", "法律依据", "basis"],
    "guide.conditions": ["受理条件", "办理条件", "conditions"],
    "guide.phone": ["咨询电话", "联系电话", "咨询方式", "phone"],
    "aliases": ["别名", "俗称", "aliases"],
    "keywords": ["关键词", "keywords"],
    "enabled": ["是否启用", "启用", "enabled"],
    "service": ["对接服务", "服务编码", "service"],
}
REQUIRED = ("id", "name", "department", "category")
EXPORT_ORDER = list(COLUMNS)

# 办理项类型: the kiosk's own kinds, and how lists name matters. The government's types
# (行政许可, 公共服务 ...) have no kiosk flow: residents get the 办事指南.
KINDS: dict[str, str] = {
    **{k.value: k.value for k in Kind},
    "办事指南": "guide",
    "指南": "guide",
    "查询": "query",
    "查询类": "query",
    "证明": "certificate",
    "证明开具": "certificate",
    "开具证明": "certificate",
    "缴费": "payment",
    "缴费类": "payment",
    "预约": "appointment",
    "投诉": "complaint",
    "诉求": "complaint",
    "投诉建议": "complaint",
    **{
        t: "guide"
        for t in (
            "行政许可",
            "行政确认",
            "行政给付",
            "行政裁决",
            "行政奖励",
            "行政备案",
            "公共服务",
            "其他行政权力",
            "其他权力",
        )
    },
}
KIND_LABEL = {"guide": "办事指南", "query": "查询", "certificate": "证明开具", "payment": "缴费",
              "appointment": "预约", "complaint": "投诉"}  # fmt: skip
AUDIENCE = {"自然人": "personal", "个人": "personal", "personal": "personal", "法人": "business",
            "企业": "business", "法人或其他组织": "business", "business": "business"}  # fmt: skip
YES = {"是", "y", "yes", "true", "1", "√", "✓", "可", "可以", "启用", "全程网办", "在用"}
NO = {"否", "n", "no", "false", "0", "×", "不可", "不可以", "停用", "禁用", "不能"}
FORMS = r"原件及复印件|原件和复印件|原件或复印件|原件|复印件|电子件|电子版|扫描件|复印件加盖公章"


class SheetError(Exception):
    """The sheet as a whole cannot be imported (no header row, a required column missing)."""


@dataclass
class Refused:
    row: int  # as the spreadsheet numbers it (1-based, header rows counted)
    column: str  # the sheet's header, or "(row)"
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


@dataclass
class ImportReport:
    source: str
    taken: int = 0
    refused: list[Refused] = field(default_factory=list)
    empty_rows: int = 0
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        out = asdict(self)
        out["refused"] = [asdict(r) for r in self.refused]
        return out

    def lines(self) -> list[str]:
        out = [
            f"{self.source}: header on row {self.header_row}; {self.taken} rows taken, "
            f"{len(self.refused)} refused, {self.empty_rows} empty rows skipped"
        ]
        out += [f"  refused {r}" for r in self.refused]
        if self.ignored_columns:
            out.append("  columns not used: " + ", ".join(self.ignored_columns))
        out += [f"  note: {n}" for n in self.notes]
        return out


@dataclass
class Mapping:
    """What a MAP.toml adds: other headers, other 办理项类型 words, defaults for absent columns."""

    columns: dict[str, str] = field(default_factory=dict)  # header -> field ("" ignores it)
    kinds: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SheetError(f"mapping {path}: {exc}") from None
        unknown = set(data) - {"columns", "kinds", "defaults"}
        if unknown:
            raise SheetError(f"mapping {path}: unknown table(s) {', '.join(sorted(unknown))}")
        m = cls(
            dict(data.get("columns", {})), dict(data.get("kinds", {})), data.get("defaults", {})
        )
        for header, target in m.columns.items():
            if target and target not in COLUMNS:
                target = _header_field(target, cls())
                if target is None:
                    raise SheetError(f"mapping {path}: column {header!r} maps to unknown field")
                m.columns[header] = target
        for word, kind in m.kinds.items():
            if kind not in KINDS:
                raise SheetError(f"mapping {path}: kind {word!r} = {kind!r} is not a kind")
        return m


def _norm_header(text: str) -> str:
    text = re.sub(r"[\s*＊]+", "", str(text))
    return re.sub(r"[（(][^）)]*[）)]$", "", text)  # 承诺时限（工作日） -> 承诺时限


def _header_field(header: str, mapping: Mapping) -> str | None:
    if header in mapping.columns:
        return mapping.columns[header] or None
    norm = _norm_header(header)
    for key, target in mapping.columns.items():
        if _norm_header(key) == norm:
            return target or None
    for target, names in COLUMNS.items():
        if norm in names or norm.lower() in names:
            return target
    return None


# ----- cells -----


def _text(value: Any) -> str:
    """A cell as text: whole numbers without .0, dates and times as written, strings stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).replace("\r\n", "\n").strip()


def _list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；/\n]+", text) if p.strip()]


def _bool(text: str) -> bool:
    low = text.strip().lower()
    if low in YES:
        return True
    if low in NO:
        return False
    raise ValueError(f"{text!r}: write 是 or 否")


def _visits(text: str) -> int:
    m = re.fullmatch(r"(\d+)\s*次?", text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a whole number of visits")
    return int(m.group(1))


_NUMBERING = re.compile(
    r"^\s*(?:(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、．)）:：]|\d{1,3}\s+(?=\D))\s*"
)
_SPLIT = re.compile(r"[；;\s]+(?=(?:\d{1,3})\s*[.、．)）])")
_ATTRS = re.compile(r"^(?P<name>.+?)[（(](?P<attrs>[^（）()]*)[）)]\s*[。；;]?$")
_TAIL = re.compile(rf"^(?P<name>.+?)(?P<form>{FORMS})?(?:各)?(?:(?P<copies>\d+)\s*份)?[。；;]?$")


def parse_materials(text: str) -> list[Material]:
    """Numbered lines of one cell -> materials. '1. 居民身份证（原件，1份，注：本人）' or
    '2、户口簿原件及复印件各1份'; a line that says nothing is dropped."""
    items: list[Material] = []
    for line in text.split("\n"):
        for part in _SPLIT.split(line):
            part = _NUMBERING.sub("", part).strip()
            if part and part not in ("无", "暂无"):
                items.append(_material(part))
    return items


def _material(text: str) -> Material:
    m = _ATTRS.match(text)
    if m:
        form = copies = None
        notes: list[str] = []
        recognised = False
        for attr in (a.strip() for a in re.split(r"[，,]", m.group("attrs"))):
            if not attr:
                continue
            one = re.fullmatch(rf"({FORMS})?\s*(?:各)?\s*(?:(\d+)\s*份)?", attr)
            if one and (one.group(1) or one.group(2)):
                form = one.group(1) or form
                copies = int(one.group(2)) if one.group(2) else copies
                recognised = True
            elif attr.startswith(("注：", "注:")):
                notes.append(attr[2:].strip())
                recognised = True
            else:
                notes.append(attr)
        if recognised:
            return Material(m.group("name").strip(), form, copies, "，".join(notes) or None)
    t = _TAIL.match(text)
    if t and (t.group("form") or t.group("copies")):
        copies = int(t.group("copies")) if t.group("copies") else None
        return Material(t.group("name").strip(), t.group("form"), copies)
    return Material(text)


def format_materials(materials: list[Material]) -> str:
    lines = []
    for n, m in enumerate(materials, 1):
        attrs = [a for a in (m.form, f"{m.copies}份" if m.copies is not None else None) if a]
        if m.note:
            attrs.append("注：" + m.note)
        lines.append(f"{n}. {m.name}" + (f"（{'，'.join(attrs)}）" if attrs else ""))
    return "\n".join(lines)


# ----- reading sheets -----


def _read_rows(path: Path) -> list[list[Any]]:
    """All rows of the first sheet (merged ranges filled from their top-left cell)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SheetError(f"cannot read {path}: {exc}") from None
        for enc in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise SheetError(f"{path}: neither UTF-8 nor GBK text")
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    if suffix not in (".xlsx", ".xlsm"):
        raise SheetError(f"{path}: give an .xlsx or .csv file (save .xls as .xlsx first)")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)  # formulas: their last computed value
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SheetError(f"cannot open {path}: {type(exc).__name__}: {exc}") from None
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = rows[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, rng.max_col):
                rows[r][c] = top
    return rows


def _version_from_workbook(path: Path) -> str | None:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    if INFO_SHEET not in wb.sheetnames:
        return None
    for row in wb[INFO_SHEET].iter_rows(values_only=True):
        if row and row[0] == "版本" and len(row) > 1 and row[1]:
            return _text(row[1])
    return None


def _find_header(rows: list[list[Any]], mapping: Mapping) -> int:
    """Index of the header row: the first of the top rows naming at least three known columns."""
    for i, row in enumerate(rows[:15]):
        known = {_header_field(_text(c), mapping) for c in row if _text(c)} - {None}
        if len(known) >= 3:
            return i
    raise SheetError(
        "no header row found in the first 15 rows (expected headers such as 事项名称, 实施编码, "
        "实施主体, 主题分类; use --map for other names)"
    )


def import_table(
    path: str | Path, mapping: Mapping | None = None, version: str | None = None
) -> tuple[Catalog, ImportReport]:
    """Read a sheet into a valid catalog of the rows that can be taken, and a report on the rest.
    Raises SheetError when the sheet as a whole cannot be used."""
    path = Path(path)
    mapping = mapping or Mapping()
    if not path.exists():
        raise SheetError(f"{path}: not found")
    rows = _read_rows(path)
    h = _find_header(rows, mapping)
    report = ImportReport(str(path), header_row=h + 1)
    columns: dict[int, tuple[str, str]] = {}  # index -> (header, field)
    taken_fields: dict[str, str] = {}
    for i, cell in enumerate(rows[h]):
        header = _text(cell)
        if not header:
            continue
        target = _header_field(header, mapping)
        if target is None or target in taken_fields:
            report.ignored_columns.append(header)
            continue
        columns[i] = (header, target)
        taken_fields[target] = header
    missing = [f for f in REQUIRED if f not in taken_fields and f not in mapping.defaults]
    if missing:
        names = ", ".join(COLUMNS[f][0] for f in missing)
        raise SheetError(f"{path}: required column(s) missing: {names}")
    if "kind" not in taken_fields and "kind" not in mapping.defaults:
        report.notes.append("no 办理项类型 column: every matter is a 办事指南 (guide)")
    kinds = {**KINDS, **mapping.kinds}

    matters: list[dict] = []
    seen: dict[str, int] = {}
    for r, row in enumerate(rows[h + 1 :], start=h + 2):
        cells = {
            target: _text(row[i]) if i < len(row) else "" for i, (_, target) in columns.items()
        }
        if not any(cells.values()):
            report.empty_rows += 1
            continue
        if _same_as_header(cells, taken_fields):
            report.empty_rows += 1  # a repeated header row (lists printed page by page)
            continue
        problems: list[Refused] = []
        code = next((row[i] for i, (_, t) in columns.items() if t == "id" and i < len(row)), None)
        if isinstance(code, int | float) and not isinstance(code, bool) and abs(code) >= 1e15:
            # Excel keeps 15 digits of a number: a long code typed as a number is already wrong
            problems.append(
                Refused(r, taken_fields["id"], "a long code stored as a number (Excel rounds it "
                        "to 15 digits): format the column as text and type the code again")
            )  # fmt: skip
        raw = _row_matter(cells, taken_fields, mapping, kinds, r, problems)
        if raw is not None and raw["id"] in seen:
            problems.append(
                Refused(r, taken_fields["id"], f"duplicate id (also row {seen[raw['id']]})")
            )
        if raw is not None and not problems:
            problems += _validate_row(raw, r, taken_fields)
        if problems:
            report.refused.extend(problems)
            continue
        assert raw is not None
        seen[raw["id"]] = r
        matters.append(raw)
    report.taken = len(matters)
    label = version or _version_from_workbook(path) or _default_version()
    catalog = validate_catalog({"version": label, "matters": matters}, str(path))
    return catalog, report


def _same_as_header(cells: dict[str, str], headers: dict[str, str]) -> bool:
    return all(cells.get(f) == h for f, h in headers.items() if f in REQUIRED)


def _default_version() -> str:
    from zoneinfo import ZoneInfo

    return "import-" + dt.datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d-%H%M")


def _row_matter(
    cells: dict[str, str],
    headers: dict[str, str],
    mapping: Mapping,
    kinds: dict[str, str],
    r: int,
    problems: list[Refused],
) -> dict | None:
    def value(name: str) -> str:
        return cells.get(name) or str(mapping.defaults.get(name, "") or "")

    def refuse(name: str, reason: str) -> None:
        problems.append(Refused(r, headers.get(name, name), reason))

    raw: dict[str, Any] = {}
    for name in REQUIRED:
        if not value(name):
            refuse(name, "empty")
        raw[name] = value(name)
    kind_text = value("kind") or "guide"
    kind = kinds.get(kind_text) or kinds.get(kind_text.strip().lower())
    if kind is None:
        refuse(
            "kind", f"{kind_text!r} is not a kind the kiosk knows (add it under [kinds] in --map)"
        )
    raw["kind"] = kind
    if value("audience"):
        first = _list(value("audience"))[0]  # 自然人、法人: residents are served
        if first not in AUDIENCE:
            refuse("audience", f"{first!r}: write 自然人 or 法人")
        raw["audience"] = AUDIENCE.get(first, "personal")
    for name in ("aliases", "keywords"):
        if value(name):
            raw[name] = _list(value(name))
    if value("enabled"):
        try:
            raw["enabled"] = _bool(value("enabled"))
        except ValueError as exc:
            refuse("enabled", str(exc))
    if value("service"):
        raw["service"] = value("service")
    guide: dict[str, Any] = {}
    for name in ("location", "hours", "fee", "basis", "conditions", "phone", "time_limit"):
        if value(f"guide.{name}"):
            guide[name] = value(f"guide.{name}")
    if re.fullmatch(r"\d+", guide.get("time_limit", "")):
        guide["time_limit"] += "个工作日"  # lists give a bare number of working days
    if guide.get("fee") in NO:
        guide["fee"] = "不收费"
    if value("guide.visits"):
        try:
            guide["visits"] = _visits(value("guide.visits"))
        except ValueError as exc:
            refuse("guide.visits", str(exc))
    if value("guide.online"):
        try:
            guide["online"] = _bool(value("guide.online"))
        except ValueError as exc:
            refuse("guide.online", str(exc))
    if value("guide.materials"):
        guide["materials"] = [
            {k: v for k, v in asdict(m).items() if v is not None}
            for m in parse_materials(value("guide.materials"))
        ]
    if guide:
        raw["guide"] = guide
    return raw


def _validate_row(raw: dict, r: int, headers: dict[str, str]) -> list[Refused]:
    try:
        validate_catalog({"version": "row", "matters": [raw]})
    except CatalogError as exc:
        out = []
        for p in exc.problems:
            key = p.field.split("[")[0]
            key = key if key in headers else key.split(".")[0]
            out.append(Refused(r, headers.get(key, p.field), p.message))
        return out
    return []


# ----- writing sheets -----

INFO_SHEET = "清单信息"


def matter_row(m: Matter) -> dict[str, Any]:
    """One matter as the export's cells, by field."""
    g = m.guide or Guide()
    yes_no = {True: "是", False: "否", None: ""}
    return {
        "id": m.id,
        "name": m.name,
        "department": m.department,
        "category": m.category,
        "kind": KIND_LABEL[m.kind.value],
        "audience": "法人" if m.audience.value == "business" else "自然人",
        "guide.location": g.location or "",
        "guide.hours": g.hours or "",
        "guide.time_limit": g.time_limit or "",
        "guide.fee": g.fee or "",
        "guide.visits": g.visits if g.visits is not None else "",
        "guide.online": yes_no[g.online],
        "guide.materials": format_materials(g.materials),
        "guide.basis": g.basis or "",
        "guide.conditions": g.conditions or "",
        "guide.phone": g.phone or "",
        "aliases": "、".join(m.aliases),
        "keywords": "、".join(m.keywords),
        "enabled": yes_no[m.enabled],
        "service": m.service or "",
    }


def export_table(catalog: Catalog, path: str | Path) -> int:
    """Write the catalog as a sheet with the columns import reads; returns rows written."""
    path = Path(path)
    headers = [COLUMNS[f][0] for f in EXPORT_ORDER]
    rows = [[matter_row(m)[f] for f in EXPORT_ORDER] for m in catalog.matters]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel reads UTF-8
            w = csv.writer(f)
            w.writerow(headers)
            w.writerows(rows)
        return len(rows)
    if path.suffix.lower() != ".xlsx":
        raise SheetError(f"{path}: write .xlsx or .csv")
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "事项清单"
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    wrap = Alignment(wrap_text=True, vertical="top")
    mat_col = EXPORT_ORDER.index("guide.materials") + 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=mat_col, max_col=mat_col):
        cell.alignment = wrap
    for col, width in (("A", 24), ("B", 34), ("C", 24), ("M", 50)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    info = wb.create_sheet(INFO_SHEET)
    info.append(["版本", catalog.version])
    info.append(["事项数", len(catalog.matters)])
    wb.save(path)
    return len(rows)


# ----- diff -----

# What residents notice first: a matter gone, hidden, new, shown again, renamed, moved to another
# tile, a different flow; then what the 办事指南 says.
FIELD_ORDER = [
    "category", "kind", "service", "aliases", "keywords", "audience", "department",
    "guide.materials", "guide.location", "guide.hours", "guide.fee", "guide.time_limit",
    "guide.visits", "guide.online", "guide.conditions", "guide.phone", "guide.basis",
]  # fmt: skip


def _flat(m: Matter) -> dict[str, Any]:
    g = asdict(m.guide) if m.guide else {}
    out: dict[str, Any] = {
        "category": m.category,
        "kind": m.kind.value,
        "service": m.service,
        "aliases": list(m.aliases),
        "keywords": list(m.keywords),
        "audience": m.audience.value,
        "department": m.department,
    }
    for key in FIELD_ORDER:
        if key.startswith("guide."):
            value = g.get(key[6:])
            out[key] = value if value != [] else None
    return out


def diff_catalogs(old: Catalog, new: Catalog) -> dict:
    a, b = old.by_id(), new.by_id()

    def ref(m: Matter) -> dict:
        return {"id": m.id, "name": m.name}

    kept = [(m, b[m.id]) for m in old.matters if m.id in b]
    out: dict[str, Any] = {
        "old": old.version,
        "new": new.version,
        "removed": [ref(m) for m in old.matters if m.id not in b],
        "disabled": [ref(n) for o, n in kept if o.enabled and not n.enabled],
        "added": [ref(m) for m in new.matters if m.id not in a],
        "enabled": [ref(n) for o, n in kept if not o.enabled and n.enabled],
        "renamed": [
            {"id": m.id, "old": m.name, "new": b[m.id].name}
            for m in old.matters
            if m.id in b and m.name != b[m.id].name
        ],
        "changed": [],
    }  # fmt: skip
    for m in old.matters:
        if m.id not in b:
            continue
        before, after = _flat(m), _flat(b[m.id])
        fields = {k: [before[k], after[k]] for k in FIELD_ORDER if before[k] != after[k]}
        if fields:
            out["changed"].append({"id": m.id, "name": b[m.id].name, "fields": fields})
    # a matter moved to another tile before one whose phone number changed (stable otherwise)
    out["changed"].sort(key=lambda c: FIELD_ORDER.index(next(iter(c["fields"]))))
    out["summary"] = diff_summary(out)
    return out


def diff_summary(d: dict) -> str:
    parts = [
        f"{len(d[k])} {label}"
        for k, label in (
            ("removed", "removed"),
            ("disabled", "disabled"),
            ("added", "added"),
            ("enabled", "enabled"),
            ("renamed", "renamed"),
            ("changed", "changed"),
        )
        if d[k]
    ]
    return ", ".join(parts) or "no change"


def _short(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        text = "、".join(v["name"] if isinstance(v, dict) else str(v) for v in value)
    else:
        text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def diff_lines(d: dict) -> list[str]:
    out = [f"catalog {d['old']} -> {d['new']}: {d['summary']}"]
    for key, head in (
        ("removed", "removed (residents no longer find these)"),
        ("disabled", "disabled (hidden from residents)"),
        ("added", "added"),
        ("enabled", "enabled again"),
    ):
        if d[key]:
            out.append(f"{head}: {len(d[key])}")
            out += [f"  {m['id']}  {m['name']}" for m in d[key]]
    if d["renamed"]:
        out.append(f"renamed: {len(d['renamed'])}")
        out += [f"  {m['id']}  {m['old']} -> {m['new']}" for m in d["renamed"]]
    if d["changed"]:
        out.append(f"changed: {len(d['changed'])}")
        for m in d["changed"]:
            out.append(f"  {m['id']}  {m['name']}")
            out += [f"      {k}: {_short(v[0])} -> {_short(v[1])}" for k, v in m["fields"].items()]
    return out


# ----- writing a catalog file -----


def catalog_json(catalog: Catalog) -> dict:
    """The catalog as the format writes it: absent optional fields left out."""

    def clean(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items() if v is not None and v != []}
        if isinstance(obj, list):
            return [clean(v) for v in obj]
        return str(obj) if isinstance(obj, StrEnum) else obj

    matters = [clean(asdict(m)) for m in catalog.matters]
    return {"version": catalog.version, "matters": matters}


def write_catalog(catalog: Catalog, path: Path) -> None:
    text = json.dumps(catalog_json(catalog), ensure_ascii=False, indent=1) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
