"""End-to-end fixtures: the real services (own venv, a fresh SQLite file, migrated and seeded),
the real action server and the real Rasa server with the trained model, all on free loopback
ports. Conversations go through Rasa's REST channel; assertions read the services' state."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[3]
SERVICES_BIN = ROOT / ".venv" / "services" / "bin" / "qc-services"
RASA_BIN = Path(sys.executable).with_name("rasa")
MODEL = ROOT / "models" / "quickconnect.tar.gz"
TODAY = "2026-11-21"  # pinned so pro-rated amounts are exact
# The tracker store the project configures (endpoints.yml), on a file of the test's own.
TRACKER_STORE_TYPE = yaml.safe_load((ROOT / "endpoints.yml").read_text())["tracker_store"]["type"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, seconds: int) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {seconds}s:\n{log.read_text()[-3000:]}")


class Stack:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.services_url = f"http://127.0.0.1:{free_port()}"
        self.actions_port, self.rasa_port = free_port(), free_port()
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.env = {**os.environ, "QC_DATABASE_URL": f"sqlite:///{workdir}/services.db", "QC_TODAY": TODAY,
                    "QC_SERVICES_URL": self.services_url, "QC_ASSISTANT_URL": self.rasa_url, "QC_JWT_SECRET": "integration-test-secret-0123456789abcdef",
                    "QC_ACTIVATION_INTERVAL_SECONDS": "3600",
                    # the support dashboard reads the conversations Rasa stores there (endpoints.yml below)
                    "QC_TRACKER_DB_URL": f"sqlite:///{workdir}/tracker.db"}
        self.procs: List[subprocess.Popen] = []
        self.running: Dict[str, subprocess.Popen] = {}
        self.launch: Dict[str, tuple] = {}
        self.extra_args: List[str] = []   # for the Rasa server and the action server, e.g. ["--debug"]

    def start(self, name: str, args: List[str], health: str, seconds: int) -> None:
        log = self.workdir / f"{name}.log"
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log.open("a"), stderr=subprocess.STDOUT)
        self.procs.append(proc)
        self.running[name], self.launch[name] = proc, (args, health, seconds)
        wait_until_up(health, proc, log, seconds)

    def stop(self, name: str) -> None:
        """Stop one process the way a crash or a deploy would (the reliability tests)."""
        proc = self.running.pop(name)
        proc.terminate()
        proc.wait(timeout=30)

    def start_again(self, name: str) -> None:
        self.start(name, *self.launch[name])

    def up(self) -> "Stack":
        subprocess.run([str(SERVICES_BIN), "migrate"], env=self.env, check=True, capture_output=True)
        subprocess.run([str(SERVICES_BIN), "seed"], env=self.env, check=True, capture_output=True)
        port = self.services_url.rsplit(":", 1)[1]
        self.start("services", [str(SERVICES_BIN), "serve", "--host", "127.0.0.1", "--port", port],
                   f"{self.services_url}/health", 60)
        self.start("actions", [str(RASA_BIN), "run", "actions", "--port", str(self.actions_port), *self.extra_args],
                   f"http://127.0.0.1:{self.actions_port}/health", 120)
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(f"action_endpoint:\n  url: http://127.0.0.1:{self.actions_port}/webhook\n"
                             f"tracker_store:\n  type: {TRACKER_STORE_TYPE}\n  dialect: sqlite\n  db: {self.workdir}/tracker.db\n")
        # The project's channel settings, but one loopback address sends every test's messages.
        credentials = self.workdir / "credentials.yml"
        credentials.write_text((ROOT / "credentials.yml").read_text().replace(
            "per_address_per_minute: 120", "per_address_per_minute: 100000"))
        self.start("rasa", [str(RASA_BIN), "run", "--model", str(MODEL), "--endpoints", str(endpoints),
                            "--credentials", str(credentials), "-i", "127.0.0.1",
                            "--cors", self.services_url,  # the web pages' origin
                            "--port", str(self.rasa_port), *self.extra_args], f"{self.rasa_url}/webhooks/quickconnect/", 600)
        return self

    def down(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    # --- the services, as a test reads them --------------------------------------------------------
    def token(self, **credentials) -> str:
        resp = requests.post(f"{self.services_url}/auth/token", json=credentials, timeout=10)
        resp.raise_for_status()
        return resp.json()["access_token"]

    def get(self, path: str, token: str):
        resp = requests.get(f"{self.services_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        resp.raise_for_status()
        return resp.json()


class Chat:
    """One conversation through the web chat's channel, as a logged-in user (or anonymous)."""

    def __init__(self, stack: Stack, token: str = ""):
        self.stack, self.token = stack, token
        self.sender = f"it-{uuid.uuid4().hex}"

    def post(self, text: str, **extra) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return requests.post(f"{self.stack.rasa_url}/webhooks/quickconnect/webhook", headers=headers,
                             json={"sender": self.sender, "message": text, **extra}, timeout=120)

    def say(self, text: str, **extra) -> str:
        resp = self.post(text, **extra)
        resp.raise_for_status()
        return "\n".join(m.get("text", "") for m in resp.json())


@pytest.fixture(scope="session")
def stack():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/train.sh (scripts/test.sh does)")
    with tempfile.TemporaryDirectory(prefix="qc-it-") as tmp:
        s = Stack(Path(tmp))
        try:
            yield s.up()
        finally:
            s.down()


@pytest.fixture(scope="session")
def agent_token(stack) -> str:
    return stack.token(agent_id="agent-ana", password="ana-demo-pass")


def customer_token(stack: Stack, account: str) -> str:
    pins = {"QC-1001": "1234", "QC-1002": "2345", "QC-1003": "3456"}
    return stack.token(account_number=account, pin=pins[account])
