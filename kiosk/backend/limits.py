"""Request limits enforced before any work: header sizes and the body's size.

A pure ASGI middleware, outermost, so that nothing (signature check, JSON parsing, fault
injection) ever sees more than ``MAX_BODY`` bytes. A declared ``Content-Length`` over the limit is
refused without reading a byte of the body; a chunked body is counted while it streams and refused
the moment it passes the limit. Refusals close the connection (``Connection: close``), so the
server stops reading whatever the client still sends.

One path is the exception: the console's catalog upload (``STREAMED``) has a larger limit of its
own and is not read here but streamed to its handler, counted; the handler checks the admin's
session before it reads a byte, and Starlette spools a file part over 1 MB to disk. An answer
given before that body was read to its end closes the connection (else uvicorn reads and drops
the rest to keep the connection alive), so an unauthenticated caller cannot make the backend read
or hold more than ``MAX_BODY``. A console page that is refused gets a page in Chinese, not a JSON
error.
"""

from __future__ import annotations

import json
import logging

from kiosk.logs import one_line

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # the largest real request (a complaint of 2,000 characters) is ~7 KiB
MAX_HEADER_VALUE = 4096  # every header the API defines is far shorter; a browser's fit too
MAX_HEADERS_TOTAL = 16 * 1024
# Paths whose body streams to their handler, counted, with their own limit: a catalog with full
# 办事指南 for a county is a few MB; the API takes it in parts (``kiosk catalog publish``)
STREAMED = {"/console/catalog/publish": 16 * 1024 * 1024}
DRAIN_AT_MOST = 64 * 1024 * 1024  # read (and drop) of a signed-in admin's refused upload, so
# the browser sees the answer rather than a connection reset in the middle of sending


class BodyTooLarge(Exception):
    """A streamed body passed its path's limit (raised inside the handler's reading)."""


def too_large(exc: BaseException) -> bool:
    """Whether ``exc`` is, or groups, a BodyTooLarge: a middleware's task group wraps what the
    handler's reading raised in an ExceptionGroup."""
    if isinstance(exc, BaseExceptionGroup):
        return exc.subgroup(BodyTooLarge) is not None
    return isinstance(exc, BodyTooLarge)


async def _refuse(send, status: int, code: str, message: str, detail: str) -> None:
    body = json.dumps(
        {"code": code, "message": message, "detail": detail}, ensure_ascii=False
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LimitsMiddleware:
    def __init__(self, app, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        total = sum(len(k) + len(v) for k, v in headers)
        longest = max((len(v) for _, v in headers), default=0)
        if total > MAX_HEADERS_TOTAL or longest > MAX_HEADER_VALUE:
            path = one_line(scope["path"])
            log.warning("refused %s %s: headers too large", scope["method"], path)
            await _refuse(
                send,
                431,
                "headers_too_large",
                "请求无法处理",
                f"headers: at most {MAX_HEADER_VALUE} bytes each, {MAX_HEADERS_TOTAL} in all",
            )
            return
        declared = dict(headers).get(b"content-length")
        if declared is not None and not declared.isdigit():
            await _refuse(send, 400, "bad_request", "请求无法处理", "bad Content-Length")
            return
        path = scope["path"]
        limit = STREAMED.get(path, self.max_body)
        if path in STREAMED:
            over = declared is not None and int(declared) > limit
            await _streamed(self.app, scope, receive, send, limit, over)
            return
        if declared is not None and int(declared) > limit:
            await self._too_large(scope, send, limit)  # nothing read; the connection closes
            return
        # Read the body here, counting: at most max_body bytes are ever held.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the caller hung up: nothing to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._too_large(scope, send, self.max_body)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()  # then the real channel: it reports a disconnect

        await self.app(scope, replay, send)

    async def _too_large(self, scope, send, limit: int) -> None:
        path = one_line(scope["path"])
        log.warning("refused %s %s: body over %d bytes", scope["method"], path, limit)
        if scope["path"].startswith("/console/"):
            await _refuse_page(send, limit)
            return
        await _refuse(
            send,
            413,
            "body_too_large",
            "提交的内容太多，请精简后重试",
            f"request bodies are limited to {limit} bytes",
        )


async def _streamed(app, scope, receive, send, limit: int, over: bool) -> None:
    """A STREAMED path: the handler reads the body, counted. Declared over the limit, its first
    read drains the body (at most ``DRAIN_AT_MOST``, so the admin's browser sees the page rather
    than a reset) and raises BodyTooLarge; the handler only reads after checking the session, so
    nobody who is not signed in gets more than the socket's buffers read. An answer given before
    the body was read to its end closes the connection: the server does not read (and drop) the
    rest, which is what it would otherwise do to keep the connection alive."""
    done = False

    async def tracked():
        nonlocal done
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            done = True
        return message

    async def drain_then_refuse():
        await _drain(tracked)
        raise BodyTooLarge(limit)

    async def closing_send(message):
        if message["type"] == "http.response.start" and not done:
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
            message = {**message, "headers": [*headers, (b"connection", b"close")]}
        await send(message)

    await app(scope, drain_then_refuse if over else _counted(tracked, limit), closing_send)


def _counted(receive, limit: int):
    """``receive`` that raises BodyTooLarge once more than ``limit`` bytes came through."""
    size = 0

    async def counted():
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > limit:
            raise BodyTooLarge(limit)
        return message

    return counted


async def _drain(receive) -> None:
    size = 0
    while size <= DRAIN_AT_MOST:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return
        size += len(message.get("body", b""))


async def _refuse_page(send, limit: int) -> None:
    mb = limit / (1024 * 1024)
    size = f"{mb:.0f} MB" if mb >= 1 else f"{limit // 1024} KB"
    body = (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>提交的内容太大</title><body style="font:18px sans-serif;margin:2em">'
        f"<h1>提交的内容太大</h1><p>最多 {size}，没有执行任何操作。"
        "更大的事项清单请用命令 <code>kiosk catalog publish</code> 分段发布。</p>"
        '<p><a href="/console/catalog">返回事项清单</a></p></body></html>'
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
