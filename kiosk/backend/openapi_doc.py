"""Make the OpenAPI document tell the truth about what the reference backend does.

FastAPI documents what a handler's signature says. The signing and resident headers are declared
optional there (so that a missing one gets our 401, not FastAPI's 422), and the errors a handler
raises are invisible to it. This module adds, per operation: the 4xx it can answer (the limits
every request passes, 401 where a signature or a resident token is needed, 422 where there is
input, and the route's own from ``ROUTE_ERRORS``), the required headers with their shapes, and
links from each creating call to the calls that use what it returned (schemathesis's stateful
phase follows them).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from kiosk.backend import api

COMMON = {
    400: "malformed request (Content-Length, a client that hung up)",
    413: "body over 64 KiB (refused before it is read)",
    431: "a header over 4 KiB, or over 16 KiB of headers",
    500: "server error",
}
TERMINAL_401 = "terminal signature missing, malformed, wrong or replayed, or clock skew"
RESIDENT_401 = (
    TERMINAL_401 + "; or the resident token missing, expired, idle, revoked or another terminal's"
)
INVALID = "parameters or body do not match the schema, or a value is refused (see `code`)"

# The errors each handler raises itself (beyond the ones above), by operation.
ROUTE_ERRORS: dict[tuple[str, str], dict[int, str]] = {
    ("POST", "/v1/identity/id-card"): {404: "no such resident"},
    ("POST", "/v1/identity/sms"): {404: "phone not registered", 429: "too many codes sent"},
    ("POST", "/v1/admin/login"): {
        401: "wrong user or password",
        429: "too many wrong passwords: the account is locked, or this address (console and API "
        "count together) waits (Retry-After)",
    },
    ("POST", "/v1/identity/sms/verify"): {
        404: "phone not registered",
        429: "too many wrong codes from this terminal",
    },
    ("GET", "/v1/records/gjj"): {404: "no record"},
    ("GET", "/v1/records/si"): {404: "no record"},
    ("GET", "/v1/records/education"): {404: "no record"},
    ("GET", "/v1/certificates/{code}"): {404: "no such certificate"},
    ("GET", "/v1/utilities/gas/accounts/{account}"): {404: "no such account"},
    ("GET", "/v1/utilities/gas/accounts/{account}/pending"): {404: "no such account"},
    ("POST", "/v1/utilities/gas/orders"): {
        400: "Idempotency-Key missing",
        404: "no such account",
        409: "the first request with this Idempotency-Key is still in flight",
    },
    ("GET", "/v1/utilities/gas/orders/{order_id}"): {404: "no such order of this terminal"},
    ("POST", "/v1/utilities/gas/orders/{order_id}/cancel"): {
        404: "no such order of this terminal",
        409: "already paid",
    },
    ("GET", "/v1/utilities/gas/orders/{order_id}/card-token"): {
        404: "no such order",
        409: "not an IC-card order, or not writable now",
    },
    ("POST", "/v1/utilities/gas/orders/{order_id}/card-written"): {
        404: "no such order",
        409: "not writable, or another sequence was confirmed",
    },
    ("GET", "/v1/complaints/{number}"): {
        404: "no such complaint, or the wrong code",
        429: "too many wrong codes",
    },
    # nothing beyond the limits, the signature and validation:
    ("GET", "/v1/catalog"): {},
    ("DELETE", "/v1/identity/session"): {},
    ("POST", "/v1/certificates"): {},
    ("GET", "/verify/{code}"): {},
    ("GET", "/v1/utilities/gas/late-payments"): {},
    ("POST", "/v1/evaluations"): {},
    ("POST", "/v1/complaints"): {},
    ("POST", "/v1/terminal/heartbeat"): {},
}
NO_VALIDATION = {("GET", "/verify/{code}")}  # any text is a code it may not know: 404
# Routes of other modules that declare no errors of their own yet: every code they might send.
UNDECLARED = (400, 401, 403, 404, 409, 422, 500, 503)

# links: (method, path, status) -> {name: (target method, target path, parameters, body)}
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, dict[str, Any]]]] = {
    ("POST", "/v1/utilities/gas/orders", "201"): {
        "GetOrder": ("GET", "/v1/utilities/gas/orders/{order_id}", {"order_id": "order_id"}),
        "CancelOrder": (
            "POST",
            "/v1/utilities/gas/orders/{order_id}/cancel",
            {"order_id": "order_id"},
        ),
        "CardToken": (
            "GET",
            "/v1/utilities/gas/orders/{order_id}/card-token",
            {"order_id": "order_id"},
        ),
    },
    ("GET", "/v1/utilities/gas/accounts/{account}", "200"): {
        "PendingWrites": (
            "GET",
            "/v1/utilities/gas/accounts/{account}/pending",
            {"account": "account"},
        ),
        # a top-up of the smallest amount this account allows
        "CreateOrder": (
            "POST",
            "/v1/utilities/gas/orders",
            {"requestBody": {"account": "account", "amount": "min_amount"}},
        ),
    },
    ("POST", "/v1/complaints", "201"): {
        "ComplaintProgress": (
            "GET",
            "/v1/complaints/{number}",
            {"number": "number", "code": "verify_code"},
        ),
    },
    ("POST", "/v1/certificates", "201"): {
        "CheckCertificate": ("GET", "/v1/certificates/{code}", {"code": "code"}),
        "VerifyPage": ("GET", "/verify/{code}", {"code": "code"}),
    },
    ("POST", "/v1/identity/id-card", "200"): {
        name: (method, path, {"header.X-Resident-Token": "token"})
        for name, method, path in (
            ("GjjStatement", "GET", "/v1/records/gjj"),
            ("SiStatement", "GET", "/v1/records/si"),
            ("Education", "GET", "/v1/records/education"),
            ("EndSession", "DELETE", "/v1/identity/session"),
        )
    },
}


def _uses(route: APIRoute, dep) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        d = stack.pop()
        if d.call is dep:
            return True
        stack.extend(d.dependencies)
    return False


def document_errors(app: FastAPI, terminal, resident) -> None:
    """Set each operation's error responses; call after every route is added."""
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods:
            own = ROUTE_ERRORS.get((method, route.path))
            declared = own is not None or any(
                400 <= int(c) < 500 for c in route.responses if str(c).isdigit()
            )
            codes: dict[int, str] = dict(COMMON)
            if _uses(route, resident):
                codes[401] = RESIDENT_401
            elif _uses(route, terminal):
                codes[401] = TERMINAL_401
            d = route.dependant
            has_input = d.path_params or d.query_params or d.body_params
            if has_input and (method, route.path) not in NO_VALIDATION:
                codes[422] = INVALID
            codes.update(own or {})
            if not declared:
                codes.update({c: "error" for c in UNDECLARED if c not in codes})
            for code, text in codes.items():
                if code not in route.responses and str(code) not in route.responses:
                    route.responses[code] = {"description": text}  # content: see amend


SIGNED_HEADERS = {
    "x-terminal-id": ("this terminal's id", r"^[A-Za-z0-9._-]{1,64}$"),
    "x-timestamp": ("Unix seconds, within 300 s of the server's clock", r"^\d{1,12}$"),
    "x-nonce": ("random, never reused by this terminal", r"^[A-Za-z0-9_-]{16,64}$"),
    "x-signature": ("hex HMAC-SHA256, see the description", r"^[0-9a-f]{64}$"),
}


def amend(doc: dict[str, Any], app: FastAPI, terminal, resident) -> dict[str, Any]:
    """Required headers required, and the links; ``doc`` is FastAPI's document."""
    ids: dict[tuple[str, str], str] = {}
    for path, ops in doc.get("paths", {}).items():
        for method, op in ops.items():
            ids[(method.upper(), path)] = op.get("operationId", "")
    routes = {(m, r.path): r for r in app.routes if isinstance(r, APIRoute) for m in r.methods}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", api.Error.model_json_schema())
    for (method, path), route in routes.items():
        op = doc.get("paths", {}).get(path, {}).get(method.lower())
        if op is None:
            continue
        responses = op.get("responses", {})
        if 422 not in route.responses and "422" not in route.responses:
            responses.pop("422", None)  # FastAPI's own guess: this route validates nothing
        for code, response in responses.items():
            # every error is the one Error shape (FastAPI would say HTTPValidationError)
            if code.isdigit() and int(code) >= 400:
                content = response.get("content") or {}
                if not content or "HTTPValidationError" in str(content):
                    response["content"] = error
        signed, needs_resident = _uses(route, terminal), _uses(route, resident)
        for param in op.get("parameters", []):
            if param.get("in") != "header":
                continue
            name = param["name"].lower()
            if signed and name in SIGNED_HEADERS:
                text, pattern = SIGNED_HEADERS[name]
                param.update(required=True, description=text)
                param["schema"] = {"type": "string", "pattern": pattern}
            elif needs_resident and name == "x-resident-token":
                param.update(required=True, description="from an identity call")
                param["schema"] = {"type": "string", "minLength": 1, "maxLength": 64}
            elif name == "idempotency-key" and method == "POST":
                param.update(required=True, description="a new UUID per top-up, reused by retries")
                param["schema"] = {"type": "string", "minLength": 1, "maxLength": 100}
    for (method, path, status), targets in LINKS.items():
        op = doc.get("paths", {}).get(path, {}).get(method.lower())
        if op is None or status not in op.get("responses", {}):
            continue
        links = op["responses"][status].setdefault("links", {})
        for name, (t_method, t_path, params) in targets.items():
            target = ids.get((t_method, t_path))
            if target:
                link: dict[str, Any] = {"operationId": target}
                body = params.get("requestBody")
                if isinstance(body, dict):
                    link["requestBody"] = {k: f"$response.body#/{v}" for k, v in body.items()}
                else:
                    link["parameters"] = {k: f"$response.body#/{v}" for k, v in params.items()}
                links[name] = link
    if "HTTPValidationError" not in str(doc.get("paths")):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    return doc
