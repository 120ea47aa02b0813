"""The ``kiosk`` command (see docs/spec/cli-contract.md).

Exit codes: 0 success, 2 bad usage or bad input (one line on stderr naming what is wrong),
1 any other failure. No traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kiosk.catalog import DEMO_CATALOG, CatalogError, load_catalog

log = logging.getLogger("kiosk")


class UsageError(Exception):
    """Bad usage or bad input: exit 2 with this one-line message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit 2 with a usage dump; keep it short
        raise UsageError(f"{self.prog}: {message}")


def _catalog_path(arg: str | None) -> Path:
    return Path(arg) if arg else DEMO_CATALOG


def _engine(catalog_arg: str | None, region: str | None = None):
    from kiosk.search import SearchEngine

    try:
        catalog = load_catalog(_catalog_path(catalog_arg))
    except CatalogError as exc:
        raise UsageError(exc.summary) from None
    return SearchEngine(catalog, region=region)


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cmd_search(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise UsageError("--top must be at least 1")
    if args.batch and args.query:
        raise UsageError("give either QUERY or --batch FILE, not both")
    if not args.batch and not args.query:
        raise UsageError("give a QUERY or --batch FILE")
    if args.batch:
        return _search_batch(args)
    engine = _engine(args.catalog, args.region)
    query = " ".join(args.query)
    if _not_text(query):
        raise UsageError("the query is not valid text (undecodable bytes or a lone surrogate)")
    result = engine.search(query, top=args.top)
    if args.json:
        _print_json(result.to_json())
        return 0
    if result.note:
        print(f"（{result.note}）")
    if not result.hits:
        print(f"没有找到与“{query}”相关的事项。")
        return 0
    head = "为您找到以下事项：" if result.matched else "您是不是要办："
    print(head)
    for n, hit in enumerate(result.hits, 1):
        print(f"{n:>2}. {hit.matter.name}  [{hit.matter.id}]  {hit.score:.2f}")
    return 0


MAX_BATCH_BYTES = 256 * 1024 * 1024


def _not_text(s: str) -> bool:
    """Lone surrogates (from undecodable argv bytes or a JSON escape) are not text."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _batch_query(raw: bytes) -> str:
    """The query of one batch line; ValueError naming what is wrong with the line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a JSON object: {exc.msg}") from None
    except RecursionError:
        raise ValueError("not a JSON object: nested too deep") from None
    except ValueError as exc:  # an integer of thousands of digits
        raise ValueError(f"not a JSON object: {str(exc).split(';')[0]}") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("q"), str):
        raise ValueError('each line needs a string field "q"')
    if _not_text(obj["q"]):
        raise ValueError('"q" is not valid text (a lone surrogate)')
    return obj["q"]


def _search_batch(args: argparse.Namespace) -> int:
    """One output line per input line; a bad line gets an error object and the rest go on."""
    path = args.batch
    try:
        if Path(path).stat().st_size > MAX_BATCH_BYTES:
            raise UsageError(f"batch file {path} is larger than {MAX_BATCH_BYTES // 2**20} MiB")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read batch file {path}: {exc.strerror or exc}") from None
    engine = _engine(args.catalog, args.region)
    bad: list[str] = []
    for n, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            q = _batch_query(raw)
        except ValueError as exc:
            bad.append(f"{path}:{n}: {exc}")
            _print_json(
                {"q": "", "matched": False, "ms": 0.0, "results": [], "line": n, "error": str(exc)}
            )
            continue
        _print_json(engine.search(q, top=args.top).to_json())
    if bad:
        more = f" (+{len(bad) - 1} more bad lines)" if len(bad) > 1 else ""
        raise UsageError(bad[0] + more)
    return 0


def cmd_catalog_check(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.path)
    except CatalogError as exc:
        if args.json:
            _print_json(
                {"ok": False, "problems": [p.__dict__ for p in exc.problems], "source": exc.source}
            )
        else:  # every problem on stdout for the admin, one line on stderr as for any bad input
            print(exc)
        print(f"error: {exc.summary}", file=sys.stderr)
        return 2
    findings = _lint(catalog, args)
    if args.json:
        _print_json(
            {
                "ok": True,
                "version": catalog.version,
                "matters": len(catalog.matters),
                "warnings": [f.to_json() for f in findings],
            }
        )
    else:
        print(f"catalog {catalog.version}: {len(catalog.matters)} matters, all valid")
        if findings:
            print(f"{len(findings)} warning{'s' * (len(findings) != 1)} before publishing:")
            for f in findings:
                print(f"  {f.code}: {f}")
    return 0


def _lint(catalog, args: argparse.Namespace) -> list:
    from kiosk.catalog_lint import REFERENCE_SERVICES, lint

    services = REFERENCE_SERVICES
    if args.services:
        try:
            text = Path(args.services).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read --services {args.services}: {exc}") from None
        services = frozenset(line.strip() for line in text.splitlines() if line.strip())
    unsayable = None
    if args.model:
        model = Path(args.model)
        if not (model / "am").is_dir():
            raise UsageError(f"no vosk model in {model} (needs am/, conf/, graph/, ivector/)")
        unsayable = _handler(args.handlers, "unsayable")(model)  # the voice layer's check

    return lint(catalog, services, unsayable)


def _load_or_refuse(path: str):
    try:
        return load_catalog(path)
    except CatalogError as exc:
        raise UsageError(exc.summary) from None


def cmd_catalog_import(args: argparse.Namespace) -> int:
    from kiosk.catalog_io import Mapping, SheetError, import_table

    try:
        mapping = Mapping.load(Path(args.map)) if args.map else None
        catalog, report = import_table(args.source, mapping, args.version)
    except SheetError as exc:
        raise UsageError(str(exc)) from None
    if not catalog.matters:
        for line in report.lines():
            print(line, file=sys.stderr)
        raise UsageError(f"{args.source}: no row could be taken; nothing written")
    from kiosk.catalog_io import write_catalog

    try:
        write_catalog(catalog, Path(args.out))
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc}") from None
    if args.json:
        _print_json({"out": args.out, "version": catalog.version, **report.to_json()})
    else:
        for line in report.lines():
            print(line)
        print(f"wrote {args.out}: catalog {catalog.version}, {len(catalog.matters)} matters")
    return 0


def cmd_catalog_export(args: argparse.Namespace) -> int:
    from kiosk.catalog_io import SheetError, export_table

    catalog = _load_or_refuse(args.path)
    try:
        n = export_table(catalog, Path(args.out))
    except SheetError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc}") from None
    print(f"wrote {args.out}: {n} matters of catalog {catalog.version}")
    return 0


def cmd_catalog_diff(args: argparse.Namespace) -> int:
    from kiosk.catalog_io import diff_catalogs, diff_lines

    d = diff_catalogs(_load_or_refuse(args.old), _load_or_refuse(args.new))
    if args.json:
        _print_json(d)
    else:
        print("\n".join(diff_lines(d)))
    return 0


def _admin(args: argparse.Namespace):
    """An AdminClient logged in as --user (password: KIOSK_ADMIN_PASSWORD or a prompt)."""
    from kiosk.catalog_sync import AdminClient, AdminError

    try:
        client = AdminClient(args.backend)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    password = os.environ.get("KIOSK_ADMIN_PASSWORD")
    if password is None:
        import getpass

        password = getpass.getpass(f"password for {args.user}: ")
    try:
        client.login(args.user, password)
    except AdminError as exc:
        if exc.status in (401, 429):
            raise UsageError(f"login refused: {exc.message or exc.code}") from None
        raise
    return client


def _target(args: argparse.Namespace) -> dict:
    if args.terminals and args.share:
        raise UsageError("give --terminals or --share, not both")
    if args.share is not None and not 1 <= args.share <= 100:
        raise UsageError("--share must be 1-100 (percent of terminals)")
    terminals = [t for t in (args.terminals or "").split(",") if t] or None
    return {"terminals": terminals, "share": args.share}


def _published(args: argparse.Namespace, result: dict) -> int:
    if args.json:
        _print_json(result)
        return 0
    what = "published" if result["new"] else "assigned again"
    print(
        f"catalog {result['version']} ({result['matters']} matters) {what} to {result['target']}: "
        f"{result['diff_summary']}"
    )
    for w in result["warnings"]:
        print(f"  warning {w['code']}: {w['where']}: {w['message']}")
    return 0


def _admin_call(fn):
    from kiosk.catalog_sync import AdminError

    try:
        return fn()
    except AdminError as exc:
        if 400 <= exc.status < 500:
            raise UsageError(f"backend refused: {exc.message or exc.code} {exc.detail}") from None
        raise


def cmd_catalog_publish(args: argparse.Namespace) -> int:
    catalog = _load_or_refuse(args.path)  # refused here before anything is sent
    target = _target(args)
    raw = json.loads(Path(args.path).read_text(encoding="utf-8"))
    client = _admin(args)
    result = _admin_call(lambda: client.publish(raw, **target))
    log.info("published %s", catalog.version)
    return _published(args, result)


def cmd_catalog_rollback(args: argparse.Namespace) -> int:
    target = _target(args)
    client = _admin(args)
    return _published(args, _admin_call(lambda: client.assign(args.version, **target)))


def cmd_catalog_status(args: argparse.Namespace) -> int:
    client = _admin(args)
    status = _admin_call(client.status)
    if args.json:
        _print_json(status)
        return 0
    for version, ids in sorted(status["versions"].items(), key=lambda kv: -len(kv[1])):
        print(f"{version}: {len(ids)} terminal{'s' * (len(ids) != 1)}")
        for tid in ids[: args.list]:
            t = next(t for t in status["terminals"] if t["terminal_id"] == tid)
            extra = f"  assigned {t['assigned'] or '(backend file)'}"
            if t["last_report"] == "refused":
                extra += f"  REFUSED: {t['problem']}"
            print(f"  {tid}{extra}")
    return 0


def cmd_catalog_history(args: argparse.Namespace) -> int:
    client = _admin(args)
    records = _admin_call(client.publishes)
    if args.json:
        _print_json(records)
        return 0
    from datetime import datetime

    for r in records:
        at = datetime.fromtimestamp(r["at"]).strftime("%Y-%m-%d %H:%M")
        print(f"{at}  {r['by']}  {r['action']} {r['version']} to {r['target']}:", r["diff_summary"])
    return 0


def cmd_catalog_add_admin(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.backend.catalog_routes import add_admin
    from kiosk.backend.store import Store, describe

    password = os.environ.get("KIOSK_ADMIN_PASSWORD")
    if password is None:
        import getpass

        password = getpass.getpass(f"new password for {args.user}: ")
    data = Path(args.data) if args.data else _default_data_dir("sandbox")
    where = _database_arg(args.database) or data / "backend.sqlite3"
    try:
        store = Store(where)
        add_admin(store, args.user, password)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot use data folder {data}: {exc}") from None
    except SQLAlchemyError as exc:
        raise UsageError(f"cannot use database {describe(str(where))}: {exc}") from None
    store.close()
    print(f"admin {args.user} can log in to the backend in {describe(str(where))}")
    return 0


def cmd_repl(args: argparse.Namespace) -> int:
    """Type a request, see the matters: the search engine on its own, until the UI exists."""
    engine = _engine(args.catalog)
    print(f"事项搜索 （{len(engine.matters)} 项事项）。输入要办的事，例如“贫困证明”；空行退出。")
    while True:
        try:
            query = input("> ").strip()
        except EOFError:
            break
        if not query:
            break
        result = engine.search(query, top=5)
        if not result.hits:
            print("  没有找到相关事项，请换个说法试试。")
            continue
        print("  为您找到：" if result.matched else "  您是不是要办：")
        for hit in result.hits:
            print(f"   · {hit.matter.name}  ({hit.matter.department})")
    return 0


def _default_data_dir(name: str) -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zhengwu-kiosk" / name


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _database_arg(url: str | None) -> str | None:
    if url is None:
        return None
    if not re.match(r"postgres(ql)?(\+psycopg)?://", url):
        raise UsageError("--database must be a postgresql://USER:PASSWORD@HOST:PORT/DB URL")
    return url


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Run the reference backend in the foreground until interrupted."""
    if args.open and not _is_loopback(args.host):
        raise UsageError(f"--open accepts unsigned requests: only on loopback, not {args.host}")
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be 0-65535")
    if not 1 <= args.workers <= 64:
        raise UsageError("--workers must be 1-64")
    if args.host in ("0.0.0.0", "::", "") and not args.public_url:
        raise UsageError(
            f"--host {args.host} listens on every address: give --public-url, the address "
            "residents' phones reach (it is printed on every certificate)"
        )
    database = _database_arg(args.database)
    if args.workers > 1 and args.open:
        raise UsageError("--open is for one process on loopback, not with --workers")
    data = Path(args.data) if args.data else _default_data_dir("sandbox")
    public_url = (args.public_url or f"http://{args.host}:{args.port}").rstrip("/")
    if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(/[\w./\-]*)?", public_url):
        raise UsageError(f"--public-url must be http(s)://host[:port][/path], not {public_url}")
    catalog = _catalog_path(args.catalog)
    try:
        load_catalog(catalog)
    except CatalogError as exc:
        raise UsageError(exc.summary) from None
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.backend.server import SANDBOX_ENV, create_app, serve
    from kiosk.backend.store import describe

    settings = {
        "data_dir": str(data),
        "open_mode": args.open,
        "catalog_path": str(catalog),
        "pay_after_s": args.pay_after,
        "public_url": public_url,
        "database": database,
        "test_controls": args.test_controls,
    }
    try:
        # made here once: the schema is migrated and seeded before any worker starts
        app = create_app(**{**settings, "data_dir": data, "catalog_path": catalog})
    except OSError as exc:
        raise UsageError(f"cannot use data folder {data}: {exc}") from None
    except SQLAlchemyError as exc:
        raise UsageError(f"cannot use database {describe(database or '')}: {exc}") from None
    if args.admin:
        from kiosk.backend.catalog_routes import add_admin

        user, _, password = args.admin.partition(":")
        try:
            add_admin(app.state.backend.store, user, password)
        except ValueError as exc:
            raise UsageError(f"--admin: {exc}") from None
    from kiosk.logs import setup_logging

    setup_logging("INFO", data, file_name="backend.log")
    mode = "OPEN (unsigned requests accepted)" if args.open else "signed requests only"
    where = describe(database) if database else f"data in {data}"
    workers = f", {args.workers} processes" if args.workers > 1 else ""
    print(
        f"reference backend on http://{args.host}:{args.port} - {mode}; {where}{workers}",
        file=sys.stderr,
    )
    if args.workers == 1:
        serve(app, args.host, args.port)
        return 0
    app.state.backend.store.close()
    os.environ[SANDBOX_ENV] = json.dumps(settings)  # each worker makes its app from this
    serve("kiosk.backend.server:app_from_env", args.host, args.port, args.workers)
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    """Print (or write) the gateway API's OpenAPI document, generated from the code."""
    import tempfile

    from kiosk.backend.server import create_app

    with tempfile.TemporaryDirectory() as tmp:
        doc = create_app(Path(tmp)).openapi()
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def startup_config(args: argparse.Namespace):
    """The config `kiosk run` starts with: a bad config, device or missing PIN hash stops the
    start here (exit 2, one line), never at the first resident; logging is set up."""
    from kiosk.config import ConfigError, load_config

    try:
        config = load_config(Path(args.config) if args.config else None)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if args.demo:
        config.demo, config.backend_url = True, ""
    from kiosk.config import start_problems
    from kiosk.devices import resolve_devices

    try:  # a bad device value stops the start here, never at the first resident
        resolve_devices(config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    problems = start_problems(config)
    if problems:
        raise UsageError("; ".join(problems))
    from kiosk.logs import setup_logging

    try:
        log_file = setup_logging(config.log_level, config.data_dir)
    except OSError as exc:
        raise UsageError(f"cannot write logs under {config.data_dir}: {exc}") from None
    mode = "demo" if config.demo else "terminal"
    log.info("kiosk %s starting (%s); log %s", config.terminal_id, mode, log_file)
    return config


def cmd_admin_set_pin(args: argparse.Namespace) -> int:
    """Hash a new admin PIN into the config file (the PIN itself is stored nowhere)."""
    from getpass import getpass

    from kiosk.admin import set_pin
    from kiosk.config import ConfigError

    path = Path(args.config)
    if sys.stdin.isatty():
        pin = getpass("new admin PIN (6-12 digits): ")
        if getpass("again: ") != pin:
            raise UsageError("the two PINs differ; nothing written")
    else:
        pin = sys.stdin.readline().strip()
    try:
        set_pin(path, pin)
    except (ValueError, ConfigError, OSError) as exc:
        raise UsageError(str(exc)) from None
    print(f"admin PIN set in {path}")
    return 0


def _handler(handlers: Mapping[str, Callable] | None, name: str) -> Callable:
    if handlers and name in handlers:
        return handlers[name]
    raise UsageError(f"'kiosk {name}' needs the whole kiosk: run it as `kiosk` (app.cli)")


def _outer(name: str) -> Callable[[argparse.Namespace], int]:
    """A command whose handler lives above the core (UI, printing, voice): supplied by app.cli."""

    def run(args: argparse.Namespace) -> int:
        return _handler(args.handlers, name)(args)

    run.command = name  # type: ignore[attr-defined]
    return run


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk", description="政务自助终端 command line")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the kiosk in demo mode (reference backend in-process)",
    )
    parser.add_argument("--config", help="the terminal's config file (TOML)")
    parser.set_defaults(func=_outer("run"))
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("run", help="start the kiosk UI")
    p.add_argument("--demo", action="store_true")
    p.add_argument("--config")
    p.set_defaults(func=_outer("run"))

    p = sub.add_parser("tour", help="screenshots of every main screen (offscreen, demo mode)")
    p.add_argument("--out", required=True)
    p.add_argument("--size", default="1920x1080")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en_US"])
    p.add_argument("--elder", action="store_true")
    p.set_defaults(func=_outer("tour"))

    p = sub.add_parser("search", help="search the matter catalog")
    p.add_argument("--catalog", help="catalog file (default: the demo catalog)")
    p.add_argument("--top", type=int, default=5)
    p.add_argument("--region", help="where the terminal stands (四川省广安市广安区)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--batch", metavar="FILE.jsonl")
    p.add_argument("query", nargs="*")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("catalog", help="catalog tools")
    csub = p.add_subparsers(dest="catalog_command", parser_class=_Parser)
    c = csub.add_parser("check", help="validate a catalog file")
    c.add_argument("path")
    c.add_argument("--json", action="store_true")
    c.add_argument("--model", help="a vosk model: warn about names it cannot say")
    c.add_argument("--services", help="file of the services the backend offers (one a line)")
    c.set_defaults(func=cmd_catalog_check)
    c = csub.add_parser("import", help="a spreadsheet (.xlsx/.csv) of matters -> a catalog")
    c.add_argument("source", metavar="LIST.xlsx")
    c.add_argument("--map", metavar="MAP.toml", help="other headers, kinds, defaults")
    c.add_argument("--out", required=True, metavar="catalog.json")
    c.add_argument("--version", help="the catalog's version label (default: from the sheet)")
    c.add_argument("--json", action="store_true", help="the report as one JSON line")
    c.set_defaults(func=cmd_catalog_import)
    c = csub.add_parser("export", help="a catalog -> a spreadsheet with the columns import reads")
    c.add_argument("path")
    c.add_argument("--out", required=True, metavar="LIST.xlsx")
    c.set_defaults(func=cmd_catalog_export)
    c = csub.add_parser("diff", help="what changed between two catalogs")
    c.add_argument("old")
    c.add_argument("new")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_catalog_diff)
    for name, helptext, func in (
        ("publish", "publish a catalog to terminals", cmd_catalog_publish),
        ("rollback", "assign a stored version again", cmd_catalog_rollback),
        ("status", "terminals per catalog version", cmd_catalog_status),
        ("history", "every publish: who, when, version, diff", cmd_catalog_history),
    ):
        c = csub.add_parser(name, help=helptext)
        if name == "publish":
            c.add_argument("path")
        if name == "rollback":
            c.add_argument("version")
        c.add_argument("--backend", required=True, metavar="URL")
        c.add_argument("--user", required=True, help="admin (password: KIOSK_ADMIN_PASSWORD)")
        c.add_argument("--json", action="store_true")
        if name in ("publish", "rollback"):
            c.add_argument("--terminals", metavar="ID,ID", help="only these terminals")
            c.add_argument("--share", type=int, metavar="PERCENT", help="staged: a share")
        if name == "status":
            c.add_argument("--list", type=int, default=20, help="terminal ids shown per version")
        c.set_defaults(func=func)
    c = csub.add_parser("add-admin", help="create or reset a backend admin account")
    c.add_argument("user")
    c.add_argument("--data", help="the backend's data folder (as for sandbox --data)")
    c.add_argument("--database", metavar="URL", help="the backend's database (sandbox --database)")
    c.set_defaults(func=cmd_catalog_add_admin)

    p = sub.add_parser("sandbox", help="run the reference backend")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8750)
    p.add_argument("--data", help="folder for its SQLite database (seeded when empty) and logs")
    p.add_argument(
        "--database",
        metavar="URL",
        help="postgresql://USER:PASSWORD@HOST:PORT/DB instead of the data folder's SQLite file",
    )
    p.add_argument(
        "--workers", type=int, default=1, help="backend processes behind the one address"
    )
    p.add_argument("--open", action="store_true", help="accept unsigned requests (loopback only)")
    p.add_argument("--catalog", help="catalog file it serves (default: the demo catalog)")
    p.add_argument("--admin", metavar="USER:PASSWORD", help="create or reset a catalog admin")
    p.add_argument(
        "--test-controls",
        action="store_true",
        help="serve /v1/sandbox/ (clock, faults, SMS codes, paying orders) to any signed "
        "terminal: for tests only, never for a fleet",
    )
    p.add_argument(
        "--public-url",
        help="address residents' phones reach it at, printed on certificates "
        "(default: http://HOST:PORT)",
    )
    p.add_argument(
        "--pay-after",
        type=float,
        default=None,
        metavar="S",
        help="simulate the resident paying each order after S seconds",
    )
    p.set_defaults(func=cmd_sandbox)

    p = sub.add_parser("openapi", help="print the gateway API's OpenAPI document")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_openapi)

    p = sub.add_parser("print", help="render or print a sample document")
    p.add_argument(
        "--sample", required=True, choices=["certificate", "statement", "guide", "receipt"]
    )
    p.add_argument("--out", metavar="FILE.pdf")
    p.add_argument("--printer", metavar="NAME", help="a CUPS queue")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the job")
    p.set_defaults(func=_outer("print"))

    p = sub.add_parser("voice", help="the offline voice assistant")
    vsub = p.add_subparsers(dest="voice_command", parser_class=_Parser, required=True)
    v = vsub.add_parser("transcribe", help="recognize a WAV file and search with what was said")
    v.add_argument("--model", required=True)
    v.add_argument("--catalog")
    v.add_argument("--json", action="store_true")
    v.add_argument("file")
    v.set_defaults(func=_outer("voice transcribe"))
    v = vsub.add_parser("check", help="catalog phrases the model cannot say")
    v.add_argument("--model", required=True)
    v.add_argument("--catalog")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=_outer("voice check"))
    v = vsub.add_parser("install-model", help="install a vosk model archive")
    v.add_argument("zip")
    v.add_argument("--sha256")
    v.add_argument("--target", help="where to install (default: the data folder's voice-model)")
    v.add_argument("--config", help="the terminal's config file (its data folder is used)")
    v.set_defaults(func=_outer("voice install-model"))

    p = sub.add_parser("admin", help="terminal administration")
    asub = p.add_subparsers(dest="admin_command", parser_class=_Parser, required=True)
    a = asub.add_parser("set-pin", help="set the admin PIN (asked twice; or one line on stdin)")
    a.add_argument("--config", required=True, help="the terminal's config file to write")
    a.set_defaults(func=cmd_admin_set_pin)

    p = sub.add_parser("selfcheck", help="check catalog, backend, printer, voice, data folder")
    p.add_argument("--config")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_outer("selfcheck"))

    p = sub.add_parser("repl", help="interactive search in the terminal")
    p.add_argument("--catalog")
    p.set_defaults(func=cmd_repl)
    return parser


def main(argv: Sequence[str] | None = None, handlers: Mapping[str, Callable] | None = None) -> int:
    """``handlers``: the commands that need the outer layers (app.cli passes them)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for stream in (sys.stdout, sys.stderr):  # text that cannot be encoded is shown, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        args.handlers = handlers
        if getattr(args.func, "command", "") == "run" and not args.demo and not args.config:
            parser.print_help()
            return 2
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 1
    except BrokenPipeError:  # output piped into head: not a failure of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    except (UnicodeError, RecursionError) as exc:  # undecodable or absurdly nested input
        print(f"error: bad input: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        return 2
    except Exception as exc:  # the last line of defence: a technician gets one line, not a trace
        log.debug("unexpected failure", exc_info=True)
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
