"""The QuickConnect web pages (customer live chat, agent portal): static files, no build step.

They call this API for login and account data, and the Rasa server (settings.assistant_url) for
the chat. The Content-Security-Policy allows scripts from here only, so even a message that slipped
past the widget's text-only rendering could not run script.
"""
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parents[1] / "web"


def mount_web(app: FastAPI, assistant_url: str) -> None:
    policy = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              f"connect-src 'self' {assistant_url}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

    @app.middleware("http")
    async def page_security_headers(request: Request, call_next):
        response = await call_next(request)
        if request.url.path.startswith("/web"):
            response.headers["Content-Security-Policy"] = policy
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/web/")

    @app.get("/web/config.json", include_in_schema=False)
    def web_config():
        return {"assistant_url": assistant_url}

    app.mount("/web", StaticFiles(directory=WEB_DIR, html=True), name="web")
