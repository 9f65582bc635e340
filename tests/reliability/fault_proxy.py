"""An HTTP proxy between the action server and the services that injects the faults a real
network and a real backend produce: down (connection dropped), slow (the request goes through but
the answer comes late), HTTP 500 or 503 without reaching the services, and a garbled answer to a
request that did go through."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

MODES = ("pass", "down", "slow", "error500", "unavailable503", "garbled")


class FaultProxy:
    def __init__(self, upstream: str, slow_seconds: float = 4.0):
        self.upstream, self.slow_seconds = upstream.rstrip("/"), slow_seconds
        self.mode = "pass"
        self.faults_injected = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                mode = proxy.mode
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if mode != "pass":
                    proxy.faults_injected += 1
                if mode == "down":
                    self.close_connection = True
                    self.connection.close()   # no answer at all, as a crashed process gives
                    return
                if mode in ("error500", "unavailable503"):
                    status = 500 if mode == "error500" else 503
                    return self._reply(status, b'{"error": {"code": "internal_error", "message": "boom"}}')
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                resp = requests.request(self.command, proxy.upstream + self.path, data=body or None,
                                        headers=headers, timeout=30)
                if mode == "slow":
                    time.sleep(proxy.slow_seconds)
                content = b"<html>502 Bad Gateway" if mode == "garbled" else resp.content
                self._reply(200 if mode == "garbled" else resp.status_code, content)

            def _reply(self, status, content):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                except OSError:
                    pass  # the client gave up waiting (the slow mode's point)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set(self, mode: str) -> None:
        assert mode in MODES, mode
        self.mode = mode

    def close(self) -> None:
        self.server.shutdown()
