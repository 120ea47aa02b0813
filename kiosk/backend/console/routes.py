"""The console's routes: sign-in and out, the pages, their forms; and ``POST /v1/terminal/usage``.

Every page checks the session first (expired: back to 登录 with a message); every POST checks the
session's CSRF token (the sign-in form: a cookie token of its own) before it reads anything else.
Bad input is answered with the page again and a message in Chinese, never an error document.

Handlers that read a form are ``async`` (the body streams in); whatever they do besides reading it
(the session lookup, password hashing, a catalog's check and signing, every database call) runs in
the thread pool through ``off_loop``: the event loop serves every terminal of the fleet.
"""

# No `from __future__ import annotations`: FastAPI must see the terminal dependency's real type.

import json
import logging
import secrets
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kiosk.backend import api
from kiosk.backend.console import auth, fleet
from kiosk.backend.console import figures as fig
from kiosk.backend.limits import STREAMED, BodyTooLarge, too_large
from kiosk.catalog import CatalogError, validate_catalog
from kiosk.catalog_io import diff_catalogs

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
LOGIN_COOKIE = "console_login_csrf"
PAGE_SIZE = 100  # terminals on one page of the list (a city's fleet is over 1,000)
MAX_UPLOAD = STREAMED["/console/catalog/publish"] - 64 * 1024  # the form's other fields
TOO_LARGE = "文件超过16 MB，未发布：请用命令 kiosk catalog publish 分段发布大清单。"
NOTES = {  # what a page says after a form did its work (codes, never text from the request)
    "published": "已发布。",
    "assigned": "已按所选范围分配该版本。",
    "rolled_back": "已回退：全部终端改用所选版本。",
    "area_saved": "已保存终端所在区域。",
    "signed_out": "您已退出登录。",
}
ACTION_WORDS = {
    "console_login": "登录",
    "console_login_refused": "登录失败",
    "console_logout": "退出",
    "api_login": "接口登录",  # POST /v1/admin/login (kiosk catalog publish and the like)
    "api_login_refused": "接口登录失败",
    "catalog_publish": "发布事项清单",
    "catalog_assign": "分配事项清单版本",
    "catalog_rollback": "回退事项清单",
    "terminal_area": "设置终端区域",
}


async def off_loop(fn, *args):
    return await run_in_threadpool(fn, *args)


class Expired(Exception):
    """The page needs a session and there is none (or it has ended)."""

    def __init__(self, why: str) -> None:
        self.why = why


def add_console_routes(app: FastAPI, backend, terminal_dep) -> None:
    store = backend.store
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["zh"] = fleet.state_words
    app.mount("/console/static", StaticFiles(directory=str(HERE / "static")), name="console")
    backend.heartbeat_seen = lambda tid, payload: fleet.record_heartbeat(
        store, tid, payload, backend.now()
    )

    # ----- the terminals' usage report (the one JSON route here) -----

    @app.post("/v1/terminal/usage", tags=["terminal"], response_model=api.UsageAck)
    def usage(body: api.UsageReport, terminal_id: terminal_dep) -> api.UsageAck:
        """Counts since the terminal's last report: services started and searches without a
        sure match. Added to the backend's day (China time); a ``report_id`` counts once."""
        now = backend.now()
        counted = fleet.add_usage(store, terminal_id, body, now)
        return api.UsageAck(day=fleet.day_of(now), counted=counted)

    # ----- helpers -----

    def source(request: Request) -> str:
        return request.client.host if request.client else "?"

    def session_of(request: Request) -> auth.ConsoleSession:
        got = auth.current(store, request.cookies.get(auth.COOKIE), backend.now())
        if isinstance(got, str):
            raise Expired(got)
        return got

    def render(
        request: Request,
        name: str,
        session: auth.ConsoleSession | None,
        http_status: int = 200,
        **ctx,
    ) -> HTMLResponse:
        note = NOTES.get(request.query_params.get("note", ""))
        resp = templates.TemplateResponse(
            request,
            name,
            {"me": session, "note": note, "nav": name.split(".")[0], **ctx},
            status_code=http_status,
        )
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"  # terminal ids and filters stay here
        resp.headers["Content-Security-Policy"] = (
            "default-src 'self'; style-src 'self'; img-src 'self' data:; "
            "script-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        )
        return resp

    def to_login(why: str) -> RedirectResponse:
        resp = RedirectResponse(f"/console/login?why={why}", status_code=303)
        resp.delete_cookie(auth.COOKIE, path="/console")
        return resp

    def refused(request: Request, session, message: str, status: int = 400) -> HTMLResponse:
        return render(request, "message.html", session, http_status=status, message=message)

    async def form_of(request: Request, session: auth.ConsoleSession):
        """The form, after its CSRF token is checked; None when it is missing or wrong."""
        try:
            form = await request.form(max_files=1, max_fields=20)
        except Exception as exc:  # not a form at all, or one over its limit
            if too_large(exc):
                raise BodyTooLarge from exc
            return None
        sent = form.get("csrf")
        if not auth.csrf_ok(session, sent if isinstance(sent, str) else None):
            log.warning("console: CSRF token missing or wrong from %s", source(request))
            return None
        return form

    CSRF_MESSAGE = "页面已过期或来源不明，操作没有执行。请刷新页面后重新提交。"

    def field(form, name: str, limit: int = 200) -> str:
        value = form.get(name)
        return value.strip()[:limit] if isinstance(value, str) else ""

    class ConsoleRoute(APIRoute):
        """A console page never answers with an error document: no session goes to 登录, a
        failure inside is logged and shown as a page in Chinese."""

        def get_route_handler(self):
            handler = super().get_route_handler()

            async def run(request: Request) -> Response:
                try:
                    return await handler(request)
                except Expired as exc:
                    return to_login("expired" if exc.why == "expired" else "login")
                except Exception:
                    log.exception("console page %s failed", request.url.path)
                    return refused(request, None, "系统出错，操作可能没有完成，请稍后再试。", 500)

            return run

    router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

    # ----- sign-in -----

    @router.get("/console")
    @router.get("/console/")
    def home() -> RedirectResponse:
        return RedirectResponse("/console/terminals", status_code=303)

    def login_page(request: Request, message: str = "", status: int = 200) -> HTMLResponse:
        token = secrets.token_urlsafe(16)
        why = request.query_params.get("why", "")
        if not message:
            message = {
                "expired": "登录已过期（15分钟无操作或登录超过8小时），请重新登录。",
                "login": "请先登录。",
            }.get(why, "")
        resp = render(
            request, "login.html", None, http_status=status, login_csrf=token, message=message
        )
        resp.set_cookie(
            LOGIN_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/console",
        )
        return resp

    @router.get("/console/login")
    def login_form(request: Request) -> HTMLResponse:
        return login_page(request)

    @router.post("/console/login")
    async def login(request: Request) -> Response:
        try:
            form = await request.form(max_files=0, max_fields=10)
        except Exception:
            return login_page(request, "提交的内容无法识别，请重新输入。", 400)
        sent, kept = form.get("csrf"), request.cookies.get(LOGIN_COOKIE)
        if not (isinstance(sent, str) and kept and secrets.compare_digest(sent, kept)):
            return login_page(request, CSRF_MESSAGE, 403)
        user, password = field(form, "user", 64), form.get("password")
        if not user or not isinstance(password, str) or not password:
            return login_page(request, "请填写用户名和密码。", 400)
        if len(password) > 256:
            return login_page(request, "密码太长，请检查后重新输入。", 400)
        try:
            token = await off_loop(
                auth.sign_in, store, user, password, source(request), backend.now()
            )
        except auth.LoginRefused as exc:
            return login_page(request, exc.message, 401)
        resp = RedirectResponse("/console/terminals", status_code=303)
        resp.set_cookie(
            auth.COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/console",
            max_age=auth.ABSOLUTE_S,
        )
        resp.delete_cookie(LOGIN_COOKIE, path="/console")
        return resp

    @router.post("/console/logout")
    async def logout(request: Request) -> Response:
        me = await off_loop(session_of, request)
        if await form_of(request, me) is None:
            return refused(request, me, CSRF_MESSAGE, 403)
        await off_loop(auth.sign_out, store, me, source(request), backend.now())
        resp = RedirectResponse("/console/login?note=signed_out", status_code=303)
        resp.delete_cookie(auth.COOKIE, path="/console")
        return resp

    # ----- terminals -----

    @router.get("/console/terminals")
    def terminals_page(request: Request) -> HTMLResponse:
        me = session_of(request)
        params = request.query_params
        status, area, text = params.get("status", ""), params.get("area", ""), params.get("q", "")
        message = ""
        if status not in ("", *fleet.STATUS_WORDS):
            message, status = "没有这种状态，已显示全部终端。", ""
        if len(area) > 40:
            message, area = "区域名称太长，已显示全部区域。", ""
        text = text.strip()
        if len(text) > 40:
            message, text = "查找的文字太长（最多40个字），已显示全部终端。", ""
        everything = fleet.terminals(store, backend.now())
        areas = sorted({t.area for t in everything if t.area})
        needle = text.casefold()
        shown = [
            t
            for t in everything
            if (not status or t.status == status)
            and (not area or t.area == area)
            and (not needle or needle in t.id.casefold() or needle in t.name.casefold())
        ]
        shown.sort(key=lambda t: (fleet.STATUS_ORDER[t.status], t.id))  # problems first
        pages = max(1, -(-len(shown) // PAGE_SIZE))
        raw_page = params.get("page", "1")
        if raw_page.isdigit() and 1 <= int(raw_page) <= pages:
            page = int(raw_page)
        else:
            page, message = 1, message or "没有这一页，已显示第1页。"
        kept = {k: v for k, v in (("status", status), ("area", area), ("q", text)) if v}

        def page_url(n: int) -> str:
            return "/console/terminals?" + urlencode({**kept, "page": n})

        counts = {s: sum(t.status == s for t in everything) for s in fleet.STATUS_WORDS}
        return render(
            request,
            "terminals.html",
            me,
            terminals=shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            matching=len(shown),
            total=len(everything),
            counts=counts,
            status=status,
            area=area,
            text=text,
            areas=areas,
            message=message,
            offline_min=fleet.OFFLINE_AFTER_S // 60,
            words=fleet.STATUS_WORDS,
            page=page,
            pages=pages,
            prev_url=page_url(page - 1) if page > 1 else None,
            next_url=page_url(page + 1) if page < pages else None,
        )

    def one_terminal(terminal_id: str):
        return next((t for t in fleet.terminals(store, backend.now()) if t.id == terminal_id), None)

    def terminal_page(request, me, view, message="", status=200) -> HTMLResponse:
        return render(
            request,
            "terminal.html",
            me,
            http_status=status,
            t=view,
            events=fleet.events_of(store, view.id),
            activity=fleet.activity_of(store, view.id, backend.now()),
            message=message,
            offline_min=fleet.OFFLINE_AFTER_S // 60,
            fields=fleet.WATCHED,
        )

    @router.get("/console/terminals/{terminal_id}")
    def terminal_detail(request: Request, terminal_id: str) -> HTMLResponse:
        me = session_of(request)
        view = one_terminal(terminal_id[:64])
        if view is None:
            return refused(request, me, "没有这台终端，请从终端列表进入。", 404)
        return terminal_page(request, me, view)

    @router.post("/console/terminals/{terminal_id}/area")
    async def terminal_area(request: Request, terminal_id: str) -> Response:
        me = await off_loop(session_of, request)
        form = await form_of(request, me)
        if form is None:
            return refused(request, me, CSRF_MESSAGE, 403)
        return await off_loop(save_area, request, me, terminal_id, form)

    def save_area(request: Request, me, terminal_id: str, form) -> Response:
        view = one_terminal(terminal_id[:64])
        if view is None:
            return refused(request, me, "没有这台终端，请从终端列表进入。", 404)
        area = field(form, "area", 1000)
        if len(area) > 40 or any(not c.isprintable() for c in area):
            message = "区域名称最多40个字，不能含特殊字符，请修改后再保存。"
            return terminal_page(request, me, view, message, 400)
        fleet.set_area(store, view.id, area)
        auth.audit(store, me.name, "terminal_area", f"{view.id}: {area or '（清空）'}",
                   source(request), backend.now())  # fmt: skip
        return RedirectResponse(
            f"/console/terminals/{quote(view.id)}?note=area_saved", status_code=303
        )

    # ----- catalog -----

    def catalog_page(request, me, message="", status=200, diff=None) -> HTMLResponse:
        versions = store.all(
            "SELECT version, sha256, matters, published_by, published_at FROM catalog_versions "
            "ORDER BY published_at DESC"
        )
        history = store.all(
            "SELECT at, by, action, version, target, diff_summary, warnings "
            "FROM catalog_publishes ORDER BY at DESC LIMIT 100"
        )
        admin = getattr(backend, "catalog_admin", None)
        fleet_version = admin.fleet_version() if admin else None
        rollout: dict[str, dict] = {}
        rollouts = admin.current_rollouts() if admin else []  # once, not per terminal
        for t in fleet.terminals(store, backend.now()):
            reported = t.beat.get("catalog_version") or "（未报告）"
            assigned = (admin.assigned_to(t.id, rollouts) if admin else None) or "（后台默认文件）"
            entry = rollout.setdefault(assigned, {"assigned": 0, "running": 0})
            entry["assigned"] += 1
            rollout.setdefault(reported, {"assigned": 0, "running": 0})["running"] += 1
        return render(
            request,
            "catalog.html",
            me,
            http_status=status,
            versions=versions,
            history=history,
            fleet_version=fleet_version,
            rollout=rollout,
            message=message,
            diff=diff,
            when=fleet.local_time,
        )

    @router.get("/console/catalog")
    def catalog(request: Request) -> HTMLResponse:
        me = session_of(request)
        old, new = request.query_params.get("old"), request.query_params.get("new")
        if old is None and new is None:
            return catalog_page(request, me)
        rows = {
            v: store.one("SELECT body FROM catalog_versions WHERE version=?", (v or "")[:64])
            for v in (old, new)
        }
        if not old or not new or None in rows.values():
            return catalog_page(request, me, "请选择两个已发布的版本再比较。", 400)
        try:
            a, b = (validate_catalog(json.loads(rows[v]["body"])) for v in (old, new))
        except (CatalogError, ValueError):
            return catalog_page(request, me, "这个版本的内容无法读取，不能比较。", 500)
        return catalog_page(request, me, diff=diff_catalogs(a, b))

    def target_of(form) -> tuple[dict, str]:
        """{} (all) / {"share": n} / {"terminals": [...]}, or a message."""
        scope = field(form, "scope", 20) or "all"
        if scope == "all":
            return {}, ""
        if scope == "share":
            raw = field(form, "share", 10)
            if not raw.isdigit() or not 1 <= int(raw) <= 100:
                return {}, "比例请填1到100之间的整数。"
            return {"share": int(raw)}, ""
        if scope == "terminals":
            ids = [x for x in field(form, "terminals", 20000).replace("，", ",").split(",") if x]
            ids = [x.strip() for x in ids if x.strip()]
            if not ids:
                return {}, "请填写终端编号，多个用逗号分开。"
            if any(len(x) > 64 for x in ids) or len(ids) > 5000:
                return {}, "终端编号太长或太多，请检查。"
            return {"terminals": ids}, ""
        return {}, "请选择发布范围。"

    def catalog_action(request, me, action: str, call) -> Response:
        from kiosk.backend.server import ApiError

        try:
            done = call()
        except ApiError as exc:
            return catalog_page(request, me, f"{exc.message}。{exc.detail or ''}"[:600], 400)
        except ValidationError:
            return catalog_page(request, me, "提交的内容不完整或格式不对，请检查后重试。", 400)
        auth.audit(store, me.name, action, f"{done.version} → {done.target}（{done.diff_summary}）",
                   source(request), backend.now())  # fmt: skip
        note = {"catalog_publish": "published", "catalog_rollback": "rolled_back"}
        return RedirectResponse(
            f"/console/catalog?note={note.get(action, 'assigned')}", status_code=303
        )

    @router.post("/console/catalog/publish")
    async def catalog_publish(request: Request) -> Response:
        # the session first: nobody signed out gets a byte of the upload read (limits.STREAMED)
        me = await off_loop(session_of, request)
        try:
            form = await form_of(request, me)
        except BodyTooLarge:
            return await off_loop(catalog_page, request, me, TOO_LARGE, 413)
        if form is None:
            return refused(request, me, CSRF_MESSAGE, 403)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            message = "请选择要发布的事项清单文件（JSON）。"
            return await off_loop(catalog_page, request, me, message, 400)
        data = await upload.read(MAX_UPLOAD + 1)
        return await off_loop(publish_upload, request, me, form, data)

    def publish_upload(request: Request, me, form, data: bytes) -> Response:
        admin = backend.catalog_admin
        if len(data) > MAX_UPLOAD:
            return catalog_page(request, me, TOO_LARGE, 413)
        try:
            raw = json.loads(data.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested deep
            return catalog_page(request, me, "文件不是有效的JSON事项清单，未发布。", 400)
        if not isinstance(raw, dict):
            return catalog_page(request, me, "文件不是有效的JSON事项清单，未发布。", 400)
        target, problem = target_of(form)
        if problem:
            return catalog_page(request, me, problem, 400)
        from kiosk.backend.catalog_routes import Publish

        return catalog_action(
            request,
            me,
            "catalog_publish",
            lambda: admin.publish(Publish(catalog=raw, **target), me.name),
        )

    @router.post("/console/catalog/assign")
    async def catalog_assign(request: Request) -> Response:
        me = await off_loop(session_of, request)
        form = await form_of(request, me)
        if form is None:
            return refused(request, me, CSRF_MESSAGE, 403)
        return await off_loop(assign_version, request, me, form)

    def assign_version(request: Request, me, form) -> Response:
        version = field(form, "version", 100)
        if not version or len(version) > 64:
            return catalog_page(request, me, "请选择一个版本。", 400)
        target, problem = target_of(form)
        if problem:
            return catalog_page(request, me, problem, 400)
        from kiosk.backend.catalog_routes import Assign

        rollback = field(form, "rollback", 5) == "1"
        return catalog_action(
            request,
            me,
            "catalog_rollback" if rollback else "catalog_assign",
            lambda: backend.catalog_admin.assign(Assign(version=version, **target), me.name),
        )

    # ----- top-ups, figures, audit -----

    @router.get("/console/topups")
    def topups(request: Request) -> HTMLResponse:
        me = session_of(request)
        backend.expire_and_pay()  # lazy expiry first, as the terminals' routes do
        items = fig.topups_needing_attention(store, backend.now())
        return render(request, "topups.html", me, items=items)

    def matter_names() -> dict[str, str]:
        """Matter id -> name, from what the fleet runs (else the backend's own catalog file)."""
        admin = getattr(backend, "catalog_admin", None)
        version = admin.fleet_version() if admin else None
        row = version and store.one("SELECT body FROM catalog_versions WHERE version=?", version)
        try:
            raw = json.loads(row["body"] if row else backend.catalog()[0])
            return {str(m.get("id")): str(m.get("name")) for m in raw.get("matters", [])}
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    @router.get("/console/figures")
    def figures(request: Request) -> HTMLResponse:
        me = session_of(request)
        raw = request.query_params.get("days", "7")
        message = ""
        if not raw.isdigit() or not 1 <= int(raw) <= 366:
            message, raw = "天数请填1到366之间的整数，已显示最近7天。", "7"
        days = int(raw)
        now = backend.now()
        names = matter_names()
        first = fleet.day_of(now - (days - 1) * 86400)
        per_day = fig.usage_by_day(store, first)
        services = dict(fig.usage_table(store, first, "service", "key"))
        complaints_day, complaints_cat = fig.complaints_by_day(store, now - days * 86400)
        return render(
            request,
            "figures.html",
            me,
            days=days,
            message=message,
            day_chart=fig.bar_chart(per_day, f"最近{days}天每天办理次数"),
            service_chart=fig.bar_chart(
                {fleet.SERVICE_WORDS.get(k, k): n for k, n in services.items()}, "各项服务办理次数"
            ),
            per_terminal=fig.usage_table(store, first, "service", "terminal"),
            matters=fig.usage_table(store, first, "matter", "key", 20),
            names=names,
            service_words=fleet.SERVICE_WORDS,
            unmatched=fig.usage_table(store, first, "unmatched", "key", 50),
            evaluations=fig.evaluations_by_matter(store),
            levels=fig.LEVELS,
            complaints_chart=fig.bar_chart(complaints_day, "每天12345诉求数", "件"),
            complaints_cat=complaints_cat,
        )

    @router.get("/console/audit")
    def audit_page(request: Request) -> HTMLResponse:
        me = session_of(request)
        return render(
            request,
            "audit.html",
            me,
            rows=auth.audit_rows(store),
            when=fleet.local_time,
            words=ACTION_WORDS,
        )

    @router.get("/console/{rest:path}")
    def unknown_page(request: Request) -> HTMLResponse:
        me = session_of(request)
        return refused(request, me, "没有这个页面，请从上方菜单进入。", 404)

    app.include_router(router)
