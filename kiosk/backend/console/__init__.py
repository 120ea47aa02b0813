"""The admin console: server-rendered pages under /console/ (Jinja2, CSS by hand, no script
needed), signed in with the catalog's admin accounts; and the terminals' usage report route.

``add_console_routes(app, backend, terminal_dep)`` is called once from ``create_app``.
"""

from kiosk.backend.console.routes import add_console_routes

__all__ = ["add_console_routes"]
