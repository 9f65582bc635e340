"""No token, PIN/password or full account number in the services' logs (uvicorn's access log
included), and in production no start without a real secret from the environment."""
import logging
import logging.config
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from quickconnect import config
from quickconnect.entrypoints import cli, logs

from ..tally import TRIED
from .conftest import SECRET, bearer, key


@pytest.mark.parametrize("raw, masked", [
    ("GET /customers/QC-1001/subscriptions HTTP/1.1", "GET /customers/QC-**01/subscriptions HTTP/1.1"),
    ("account qc-20457 and QC-1002.", "account qc-***57 and QC-**02."),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJRQy0xMDAxIn0.c2lnbmF0dXJl",
     "Authorization: Bearer eyJ…[masked]"),
    ("token eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0. end", "token eyJ…[masked] end"),
    ("Authorization: bearer opaque-token-123", "Authorization: bearer [masked]"),
    ('{"account_number": "QC-1001", "pin": "1234"}', '{"account_number": "QC-**01", "pin": "[masked]"}'),
    ("/auth/token?password=ana-demo-pass&x=1", "/auth/token?password=[masked]&x=1"),
    ("/customers/QC-1001?access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJRQy0xMDAxIn0.c2ln",
     "/customers/QC-**01?access_token=eyJ…[masked]"),
    ("agent_id=agent-ana password: ana-demo-pass", "agent_id=agent-ana password: [masked]"),
    ("nothing to hide: 200 OK in 12 ms", "nothing to hide: 200 OK in 12 ms"),
])
def test_masking(raw, masked):
    assert logs.mask(raw) == masked
    assert logs.mask(masked) == masked          # a record seen by two handlers is not mangled
    TRIED["logs: masking rules checked"] += 1


def test_the_secret_itself_and_exception_text_are_masked():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "signing with %s for %s", (SECRET, "QC-1001"), None)
    try:
        raise RuntimeError("[parameters: ('QC-1003', 'pin=3456')]")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    logs.MaskSecrets([SECRET]).filter(record)
    text = logging.Formatter().format(record)
    assert "signing with [masked] for QC-**01" in text and "QC-**03" in text and "pin=[masked]" in text
    assert SECRET not in text and "QC-1003" not in text and "3456" not in text


@pytest.fixture
def restore_logging():
    root, loggers = logging.root, logging.Logger.manager.loggerDict
    saved = {name: (lg.handlers[:], lg.level, lg.propagate) for name, lg in loggers.items() if isinstance(lg, logging.Logger)}
    saved_root = (root.handlers[:], root.level)
    yield
    root.handlers[:], root.level = saved_root[0], saved_root[1]
    for name, (handlers, level, propagate) in saved.items():
        loggers[name].handlers[:], loggers[name].level, loggers[name].propagate = handlers, level, propagate


def test_every_handler_serve_sets_up_masks(restore_logging):
    logging.config.dictConfig(logs.config([SECRET]))
    everyone = [logging.root] + [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    # Libraries' NullHandlers write nowhere; every handler that writes must mask.
    handlers = {h for lg in everyone for h in lg.handlers if not isinstance(h, logging.NullHandler)}
    assert len(handlers) == 2        # the default (stderr) and the access (stdout) handler
    assert all(any(isinstance(f, logs.MaskSecrets) for f in h.filters) for h in handlers)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_real_server_logs_no_token_pin_or_account_number(sqlite_template, tmp_path):
    """`qc-services serve` as run in production, real HTTP requests, then read all it wrote."""
    db = tmp_path / "served.db"
    shutil.copy(sqlite_template, db)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QC_")}
    env.update(QC_DATABASE_URL=f"sqlite:///{db}", QC_JWT_SECRET=SECRET, QC_TODAY="2026-11-21",
               QC_ENV="production", PYTHONUNBUFFERED="1")
    out = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "quickconnect.entrypoints.cli", "serve", "--port", str(port)],
                              env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):     # wait for it to listen (not a timing assertion: up to a minute)
            try:
                httpx.get(f"{base}/health", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=30) as http:
            token = http.post("/auth/token", json={"account_number": "QC-1001", "pin": "1234"}).json()["access_token"]
            maria = {"Authorization": f"Bearer {token}"}
            agent = bearer("agent-ana", "agent")
            requests = [
                http.get("/customers/QC-1001/subscriptions", headers=maria),
                http.get(f"/customers/QC-1001?access_token={token}&pin=1234", headers=maria),   # secrets in a URL
                http.post("/customers/QC-1001/subscriptions/streammax_tv/cancel", headers={**maria, **key()}),
                http.get("/audit?account=QC-1001", headers=agent),
                http.get("/customers/QC-1002/billing", headers=maria),                           # 403
                http.get("/customers/QC-1002", headers={"Authorization": "Bearer " + token[:-4] + "abcd"}),   # 401
            ]
            assert [r.status_code for r in requests] == [200, 200, 200, 200, 403, 401]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        out.close()
    text = (tmp_path / "server.log").read_text()
    lines = text.splitlines()
    access = [line for line in lines if " access: " in line]
    assert len(access) == 2 + len(requests), text          # /health, /auth/token and every request above
    assert 'GET /customers/QC-**01/subscriptions HTTP/1.1" 200' in text
    assert "access_token=eyJ…[masked]&pin=[masked]" in text
    for secret in (token, token.split(".")[1], SECRET, "QC-1001", "QC-1002", "pin=1234", agent["Authorization"][7:]):
        assert secret not in text, secret
    TRIED["logs: lines written by a real server, none with a token, PIN or account number"] += len(lines)


@pytest.mark.parametrize("secret", [None, config.DEV_JWT_SECRET, "x" * (config.MIN_SECRET_LENGTH - 1)],
                         ids=["unset", "dev-default", "too-short"])
def test_production_refuses_to_start_without_a_real_secret(secret, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("QC_ENV", "production")
    monkeypatch.setenv("QC_DATABASE_URL", f"sqlite:///{tmp_path / 'never-created.db'}")
    if secret is None:
        monkeypatch.delenv("QC_JWT_SECRET", raising=False)
    else:
        monkeypatch.setenv("QC_JWT_SECRET", secret)
    assert cli.main(["serve"]) == 2
    message = capsys.readouterr().err
    assert "QC_ENV=production but QC_JWT_SECRET" in message and "at least 32 characters" in message
    assert not (tmp_path / "never-created.db").exists()
    TRIED["secrets: production start refused (unset, dev default, 31 characters)"] += 1


def test_production_starts_with_a_long_secret_and_development_keeps_its_default():
    assert config.load({"QC_ENV": "production", "QC_JWT_SECRET": "y" * 32}).jwt_secret == "y" * 32
    assert config.load({}).jwt_secret == config.DEV_JWT_SECRET
