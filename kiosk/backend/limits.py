"""Request limits enforced before any work: header sizes and the body's size.

A pure ASGI middleware, outermost, so that nothing (signature check, JSON parsing, fault
injection) ever sees more than ``MAX_BODY`` bytes. A declared ``Content-Length`` over the limit is
refused without reading a byte of the body; a chunked body is counted while it streams and refused
the moment it passes the limit. Refusals close the connection (``Connection: close``), so the
server stops reading whatever the client still sends.
"""

from __future__ import annotations

import json
import logging

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # the largest real request (a complaint of 2,000 characters) is ~7 KiB
MAX_HEADER_VALUE = 4096  # every header the API defines is far shorter; a browser's fit too
MAX_HEADERS_TOTAL = 16 * 1024


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
            log.warning("refused %s %s: headers too large", scope["method"], scope["path"])
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
        if declared is not None and int(declared) > self.max_body:
            await self._too_large(scope, send)
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
                await self._too_large(scope, send)
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

    async def _too_large(self, scope, send) -> None:
        log.warning(
            "refused %s %s: body over %d bytes", scope["method"], scope["path"], self.max_body
        )
        await _refuse(
            send,
            413,
            "body_too_large",
            "提交的内容太多，请精简后重试",
            f"request bodies are limited to {self.max_body} bytes",
        )
