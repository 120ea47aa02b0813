"""The matter catalog (事项清单): typed models, validation and loading.

The format is a contract (see docs/catalog-format.md, copied from the shared spec). A file that
breaks it is refused whole, with every problem named by matter id (or index) and field, so that the
catalog in use stays as it was.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
)

from kiosk.gcpause import gc_paused
from kiosk.paths import ASSETS

log = logging.getLogger(__name__)

DEMO_CATALOG = ASSETS / "catalog" / "demo_catalog.json"


class Kind(StrEnum):
    GUIDE = "guide"
    QUERY = "query"
    CERTIFICATE = "certificate"
    PAYMENT = "payment"
    APPOINTMENT = "appointment"
    COMPLAINT = "complaint"


class Audience(StrEnum):
    PERSONAL = "personal"
    BUSINESS = "business"


# The models are plain frozen dataclasses that pydantic validates through a TypeAdapter: the same
# rules as BaseModel, at half the cost per matter, which matters for a provincial catalog of
# 100,000 matters. Unknown fields are found separately (``_unknown_fields``), since x- is allowed.
_CFG = ConfigDict(extra="ignore")

# Size limits (an extension of the format, see docs/spec/catalog-format.md): generous for any real
# 事项清单, and they keep every search and every screen bounded for a file that passes the check.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_MATTERS = 500_000
MAX_NAME = 60  # the format's own limit for name
MAX_ALIAS = 60  # an alias or a keyword: a name as residents say it
MAX_LABEL = 100  # department, category, version, service, material name
MAX_TEXT = 10_000  # guide texts (conditions, basis ...)
MAX_WORDS = 100  # aliases (and keywords) per matter
MAX_MATERIALS = 200
MAX_COUNT = 10_000  # copies, visits

NonEmpty = Annotated[StrictStr, Field(min_length=1, max_length=MAX_LABEL)]
Word = Annotated[StrictStr, Field(min_length=1, max_length=MAX_ALIAS)]
Text = Annotated[StrictStr, Field(max_length=MAX_TEXT)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]


@dataclass(frozen=True, slots=True)
class Material:
    __pydantic_config__ = _CFG
    name: NonEmpty
    form: Text | None = None  # 原件 / 复印件 / 原件及复印件 ...
    copies: Count | None = None
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class Guide:
    __pydantic_config__ = _CFG
    conditions: Text | None = None
    materials: Annotated[list[Material], Field(max_length=MAX_MATERIALS)] = field(
        default_factory=list
    )
    location: Text | None = None
    hours: Text | None = None
    time_limit: Text | None = None
    fee: Text | None = None
    visits: Count | None = None
    online: StrictBool | None = None
    phone: Text | None = None
    basis: Text | None = None


@dataclass(frozen=True, slots=True)
class Matter:
    __pydantic_config__ = _CFG
    id: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
    name: Annotated[StrictStr, Field(min_length=1, max_length=MAX_NAME)]
    department: NonEmpty
    category: NonEmpty
    kind: Kind
    aliases: Annotated[list[Word], Field(max_length=MAX_WORDS)] = field(default_factory=list)
    keywords: Annotated[list[Word], Field(max_length=MAX_WORDS)] = field(default_factory=list)
    audience: Audience = Audience.PERSONAL
    enabled: StrictBool = True
    guide: Guide | None = None
    service: Annotated[StrictStr, Field(max_length=MAX_LABEL)] | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    version: str
    matters: list[Matter]

    def by_id(self) -> dict[str, Matter]:
        return {m.id: m for m in self.matters}

    def enabled(self) -> list[Matter]:
        return [m for m in self.matters if m.enabled]

    def categories(self) -> list[str]:
        """Categories of enabled matters, in first-seen order (the home-screen tile order)."""
        return list(dict.fromkeys(m.category for m in self.matters if m.enabled))


_MATTER = TypeAdapter(Matter)
_MATTERS = TypeAdapter(list[Matter])
_FIELDS = {cls: frozenset(f.name for f in fields(cls)) for cls in (Material, Guide, Matter)}


@dataclass(frozen=True)
class Problem:
    where: str  # matter id, or "matters[3]" when the id itself is missing or broken
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


class CatalogError(Exception):
    """A catalog file was refused. ``problems`` names every one found."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        head = f"catalog {source} refused ({len(problems)} problem{'s' * (len(problems) != 1)})"
        super().__init__(head + "".join(f"\n  {p}" for p in problems[:50]))

    @property
    def summary(self) -> str:
        """One line, for a CLI error or a log line."""
        first = str(self.problems[0]) if self.problems else ""
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"catalog {self.source} refused: {first}{more}"


def _where(raw: Any, index: int) -> str:
    if isinstance(raw, dict):
        mid = raw.get("id")
        if isinstance(mid, str) and mid:
            return mid
    return f"matters[{index}]"


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        elif item in ("str", "int", "bool", "list", "dict"):
            continue  # pydantic's type-branch labels say nothing to an admin
        else:
            parts.append(str(item))
    return ".".join(parts) or "(matter)"


def _unknown_fields(raw: Any, model: type, prefix: str = "") -> list[str]:
    """Names of fields the format does not know (an admin's typo), at any depth; x- is allowed."""
    if not isinstance(raw, dict):
        return []
    found = [f"{prefix}{k}" for k in raw.keys() - _FIELDS[model] if not str(k).startswith("x-")]
    guide = raw.get("guide") if model is Matter else raw if model is Guide else None
    if model is Matter and isinstance(guide, dict):
        found += _unknown_fields(guide, Guide, prefix + "guide.")
    if model is Guide and isinstance(raw.get("materials"), list):
        for i, item in enumerate(raw["materials"]):
            found += _unknown_fields(item, Material, f"{prefix}materials[{i}].")
    return found


# Characters no field may hold: control characters (NUL ...), bidi overrides and isolates (they
# reorder what an admin sees), zero-width characters (two names that look the same but differ),
# lone surrogates (not text at all). Guide texts may hold line breaks and tabs.
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_BREAKS = re.compile("[\t\n\r]")
_FREE_TEXT = frozenset(
    {"conditions", "location", "hours", "time_limit", "fee", "phone", "basis", "form", "note"}
)


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (f" {unicodedata.name(ch)}" if unicodedata.name(ch, "") else "")


def _text_problem(key: str, value: str) -> str | None:
    """Why a string field's value is refused, or None."""
    bad = _BAD_CHARS.search(value)
    if bad:
        return f"holds a control, bidi or zero-width character ({_char_name(bad.group())})"
    if key not in _FREE_TEXT and _BREAKS.search(value):
        return "holds a line break or tab"
    if value and not value.strip():
        return "blank (only whitespace)"
    return None


def _text_problems(raw: Any, where: str, path: str = "") -> list[Problem]:
    """Character and blank-field problems of one matter (or part of one), at any depth."""
    found: list[Problem] = []
    if isinstance(raw, dict):
        for key, value in raw.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(value, str):
                why = _text_problem(str(key), value)
                if why:
                    found.append(Problem(where, sub, why))
            elif isinstance(value, (dict, list)):
                found += _text_problems(value, where, sub)
            if isinstance(key, str) and _BAD_CHARS.search(key):
                found.append(Problem(where, repr(key), "field name holds a control character"))
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            sub = f"{path}[{i}]"
            if isinstance(item, str):
                why = _text_problem(path.rsplit(".", 1)[-1], item)
                if why:
                    found.append(Problem(where, sub, why))
            elif isinstance(item, (dict, list)):
                found += _text_problems(item, where, sub)
    return found


# The same characters as JSON escapes, line breaks, and strings of whitespace only: a file's text
# without any of these needs no walk through its fields (C-speed scans for a 100,000-matter file:
# three cheap searches, rather than one alternation tried at every position of 60 MB).
_SUSPECT_ESCAPE = re.compile(
    r"\\u(?:00[01]|007[fF]|00[89]|200[b-fB-F]|202[8-eE]|206|[fF][eE][fF][fF]|[fF]{3}[9abAB]"
    r"|[dD][89a-fA-F])|\\[tnr]"
)
_BLANK_START = re.compile('"[ \u3000\u00a0\\\\]')  # a string that may be blank: look closer
_BLANK_TEXT = re.compile(r'"(?:\\[tnr]|\\u3000|\\u00a0|[ \u3000\u00a0])+"')


def text_is_clean(text: str) -> bool:
    """True when a catalog file's text cannot hold a character or blank-field problem."""
    if _BAD_CHARS.search(text):
        return False
    if "\\" in text and _SUSPECT_ESCAPE.search(text):
        return False
    return not (_BLANK_START.search(text) and _BLANK_TEXT.search(text))


def _known_fields(raw: dict) -> bool:
    """The common case of ``_unknown_fields`` in one cheap look: every key is the format's."""
    if raw.keys() - _FIELDS[Matter]:
        return False
    guide = raw.get("guide")
    if not isinstance(guide, dict):
        return True
    if guide.keys() - _FIELDS[Guide]:
        return False
    materials = guide.get("materials")
    return not isinstance(materials, list) or not any(
        isinstance(item, dict) and item.keys() - _FIELDS[Material] for item in materials
    )


def _validate_fast(raw_matters: list, version: str, clean: bool) -> Catalog | None:
    """Validate a good file in one pass of pydantic's core; None when it has problems to name."""
    try:
        matters = _MATTERS.validate_python(raw_matters)
    except ValidationError:
        return None
    if not clean and any(_text_problems(raw, "") for raw in raw_matters):
        return None
    if len({m.id for m in matters}) != len(matters):
        return None
    if any(not _known_fields(raw) and _unknown_fields(raw, Matter) for raw in raw_matters):
        return None
    return Catalog(version=version, matters=matters)


def validate_catalog(data: Any, source: str = "<data>", clean_text: bool = False) -> Catalog:
    """Validate parsed JSON; raise CatalogError naming every problem.

    ``clean_text``: the file's text passed ``text_is_clean``, so no field needs its characters
    checked one by one."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise CatalogError(source, [Problem("(file)", "(root)", "must be a JSON object")])

    for key in data:
        if key not in ("version", "matters") and not str(key).startswith("x-"):
            problems.append(Problem("(file)", str(key), "unknown field"))
    version = data.get("version")
    if not isinstance(version, str) or not version:
        problems.append(Problem("(file)", "version", "required, a non-empty string"))
    elif len(version) > MAX_LABEL or _text_problem("version", version):
        why = _text_problem("version", version) or f"at most {MAX_LABEL} characters"
        problems.append(Problem("(file)", "version", why))
    raw_matters = data.get("matters")
    if not isinstance(raw_matters, list):
        problems.append(Problem("(file)", "matters", "required, an array of matters"))
        raise CatalogError(source, problems)
    if len(raw_matters) > MAX_MATTERS:
        problems.append(
            Problem("(file)", "matters", f"{len(raw_matters)} matters; at most {MAX_MATTERS}")
        )
        raise CatalogError(source, problems)

    fast = _validate_fast(raw_matters, version, clean_text) if not problems else None
    if fast is not None:
        return fast

    matters: list[Matter] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_matters):
        where = _where(raw, i)
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            if raw["id"] in seen:
                problems.append(
                    Problem(where, "id", f"duplicate id (also matters[{seen[raw['id']]}])")
                )
            else:
                seen[raw["id"]] = i
        try:
            matters.append(_MATTER.validate_python(raw))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                problems.append(Problem(where, _field_path(err["loc"]), err["msg"]))
        problems.extend(Problem(where, f, "unknown field") for f in _unknown_fields(raw, Matter))
        problems.extend(_text_problems(raw, where))
    if problems:
        raise CatalogError(source, problems)
    return Catalog(version=version, matters=matters)


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog file. Raises CatalogError for any unreadable or invalid file."""
    path = Path(path)
    source = str(path)

    def refuse(field_name: str, message: str) -> CatalogError:
        return CatalogError(source, [Problem("(file)", field_name, message)])

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise refuse("(file)", f"larger than {MAX_FILE_BYTES // 2**20} MiB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise refuse("(file)", "not found") from None
    except UnicodeDecodeError as exc:
        raise refuse(
            "(file)", f"not UTF-8 text (byte {exc.start}): binary or another encoding"
        ) from None
    except OSError as exc:
        raise refuse("(file)", f"unreadable: {exc.strerror or exc}") from None
    data = parse_json(text, source)
    with gc_paused():
        return validate_catalog(data, source, clean_text=text_is_clean(text))


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _DuplicateKey(dup)
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str, source: str) -> Any:
    """Parse a catalog file's JSON strictly: a duplicate key, NaN/Infinity, nesting too deep for
    the parser or an integer too long to convert is a CatalogError, never a crash."""
    try:
        with gc_paused():
            return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        message = f"not valid JSON at {where}: {exc.msg}"
    except _DuplicateKey as exc:
        message = f"duplicate key {str(exc)!r} in one object (which one counts is not defined)"
    except RecursionError:
        message = "not valid JSON: nested too deep"
    except ValueError as exc:  # an integer of thousands of digits, NaN, Infinity
        message = f"not valid JSON: {str(exc).split(';')[0]}"
    raise CatalogError(source, [Problem("(file)", "(json)", message)])


class CatalogStore:
    """Holds the catalog in use. A refused reload leaves the current catalog in place."""

    def __init__(self, catalog: Catalog, source: str) -> None:
        self.catalog = catalog
        self.source = source

    @classmethod
    def open(cls, path: str | Path) -> CatalogStore:
        return cls(load_catalog(path), str(path))

    def reload(self, path: str | Path | None = None) -> Catalog:
        """Load ``path`` (default: the current source). On CatalogError the old catalog stays."""
        target = str(path or self.source)
        try:
            new = load_catalog(target)
        except CatalogError as exc:
            log.warning("%s; keeping catalog %s", exc.summary, self.catalog.version)
            raise
        self.catalog, self.source = new, target
        log.info("catalog %s loaded from %s (%d matters)", new.version, target, len(new.matters))
        return new
