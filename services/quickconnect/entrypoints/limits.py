"""A cap on request bodies: no request of this API needs more than a few kB, and reading an
unbounded body would let one client exhaust the services' memory. Bigger bodies get 413 in the
standard error shape before anything is parsed."""
from __future__ import annotations

from starlette.responses import JSONResponse

MAX_BODY_BYTES = 64 * 1024


def _too_large(max_bytes: int) -> JSONResponse:
    return JSONResponse({"error": {"code": "payload_too_large",
                                   "message": f"The request body is larger than {max_bytes // 1024} kB."}},
                        status_code=413)


class BodySizeLimit:
    """ASGI middleware: reads the body up to the limit, then hands it to the app in one piece."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await _too_large(self.max_bytes)(scope, receive, send)
        # Chunked bodies carry no Content-Length, and a declared length is not proof: count.
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                return await _too_large(self.max_bytes)(scope, receive, send)
            if not message.get("more_body"):
                break
        delivered = False

        async def replay():
            nonlocal delivered
            if delivered:
                return await receive()      # after the body: wait for a disconnect, as usual
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
