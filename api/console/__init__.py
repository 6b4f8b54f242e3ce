"""The merchants' web console, served by the API process under ``/console``, and the local API docs.

Server-rendered Jinja2 pages (``templates/``) with one small stylesheet and one script of our own
(``static/``): no build step, no CDN, nothing fetched from outside. ``install_console(app)`` mounts them.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from addrcheck.settings import Settings
from api.console import pages
from api.console.session import make_signer

STATIC_DIR = Path(__file__).parent / "static"
# Swagger UI's built files, from the pinned fastapi-offline package on PyPI (no Node, no CDN).
DOCS_ASSETS = importlib.resources.files("fastapi_offline") / "static"


def install_console(app: FastAPI, settings: Settings) -> None:
    """Mount the console (``/console``), its static files, and ``/docs`` with local Swagger UI assets."""
    app.state.console_signer = make_signer(settings.console_secret, settings.console_session_seconds)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    app.mount("/docs-assets", StaticFiles(directory=str(DOCS_ASSETS)), name="docs-assets")
    app.include_router(pages.router)

    @app.get("/", include_in_schema=False)
    async def root() -> Response:
        return RedirectResponse("/console/check", status_code=303)

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> Response:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="addrcheck API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )
