"""Start the real stack on loopback for the benchmarks and the scale-out test.

Pieces, each on a free 127.0.0.1 port, each logging to a file in a work directory:
  - PostgreSQL (a throwaway cluster made with Debian's initdb), Redis, nginx (deploy/nginx/);
  - the QuickConnect services (SQLite file or PostgreSQL), migrated and seeded, with bench customers;
  - any number of action servers and Rasa servers; with several, nginx fronts them.

Debian's postgresql, redis-server and nginx are installed with apt-get when missing and running as
root (`ensure_debian_packages`). Runs in the bot venv (.venv/bot); the services run in their own.
"""
from __future__ import annotations

import os
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOT_BIN = Path(sys.executable).parent
RASA_BIN = BOT_BIN / "rasa"
SERVICES_BIN = ROOT / ".venv" / "services" / "bin"
MODEL = ROOT / "models" / "quickconnect.tar.gz"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "nginx.conf.template"
ENDPOINTS_POSTGRES = ROOT / "deploy" / "endpoints.postgres.yml"
TODAY = "2026-11-21"  # pinned so quotes are the same on every run
JWT_SECRET = "bench-secret-0123456789abcdef0123456789"
AGENT = {"agent_id": "agent-ana", "password": "ana-demo-pass"}

DEBIAN = {"postgres": ("postgresql", None), "redis": ("redis-server", "redis-server"), "nginx": ("nginx", "nginx")}


class Unavailable(RuntimeError):
    """A piece of the stack cannot be had on this machine (not installed and not root)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin_dir() -> Optional[Path]:
    dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return dirs[-1] if dirs else None


def _have(piece: str) -> bool:
    if piece == "postgres":
        return pg_bin_dir() is not None
    return shutil.which(DEBIAN[piece][1]) is not None or Path("/usr/sbin", DEBIAN[piece][1]).exists()


def ensure_debian_packages(*pieces: str) -> None:
    """Install Debian's packages for the pieces that are missing (as root), else raise Unavailable."""
    missing = [p for p in pieces if not _have(p)]
    if not missing:
        return
    packages = [DEBIAN[p][0] for p in missing]
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Unavailable(f"{', '.join(packages)} not installed and not running as root with apt-get: "
                          f"apt-get install {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, stdout=subprocess.DEVNULL)
    # The packages' own init scripts may start a system-wide instance; ours run on their own ports.
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env, check=True, stdout=subprocess.DEVNULL)
    still = [p for p in pieces if not _have(p)]
    if still:
        raise Unavailable(f"installing {' '.join(packages)} did not provide {', '.join(still)}")


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


class Stack:
    """Processes started here, stopped together (`down`), with their logs in `workdir`."""

    def __init__(self, workdir: Optional[Path] = None):
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="qc-stack-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.workdir, 0o755)
        self.procs: Dict[str, subprocess.Popen] = {}
        self._stops: List[List[str]] = []
        self.env = {**os.environ, "QC_TODAY": TODAY, "QC_JWT_SECRET": JWT_SECRET,
                    "QC_ACTIVATION_INTERVAL_SECONDS": "3600", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        self.services_url = ""
        self.rasa_urls: List[str] = []
        self.actions_urls: List[str] = []
        self.nginx_url = ""          # Rasa through nginx (the last nginx started)
        self.nginx_actions_url = ""  # the action servers through nginx
        self.pg_port = 0
        self.redis_port = 0
        self.per_conversation_per_minute = 0   # 0: the channel's own limit (credentials.yml)

    # --- processes ---------------------------------------------------------------------------
    def spawn(self, name: str, args: List[str], env: Optional[dict] = None) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        proc = subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        self.procs[name] = proc
        return proc

    def wait_http(self, name: str, url: str, seconds: float) -> None:
        proc, log = self.procs[name], self.workdir / f"{name}.log"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{_tail(log)}")
            try:
                if requests.get(url, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not answer at {url} within {seconds:.0f}s:\n{_tail(log)}")

    def pids(self) -> Dict[str, int]:
        return {name: p.pid for name, p in self.procs.items() if p.poll() is None}

    def down(self) -> None:
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stop in self._stops:
            subprocess.run(stop, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.clear()
        self._stops.clear()

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc) -> None:
        self.down()

    # --- PostgreSQL, Redis, nginx ------------------------------------------------------------
    def postgres(self, databases=("quickconnect", "rasa_tracker")) -> int:
        """A throwaway cluster (trust auth, loopback only) with the given databases; returns the port."""
        ensure_debian_packages("postgres")
        bindir = pg_bin_dir()
        pgdir = Path(tempfile.mkdtemp(prefix="qc-pg-", dir=self.workdir))
        as_owner: List[str] = []
        if os.geteuid() == 0:   # initdb refuses to run as root
            shutil.chown(pgdir, "postgres")
            as_owner = ["runuser", "-u", "postgres", "--"]
        self.pg_port = free_port()
        subprocess.run([*as_owner, str(bindir / "initdb"), "-D", f"{pgdir}/data", "-A", "trust", "-U", "postgres"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*as_owner, str(bindir / "pg_ctl"), "-D", f"{pgdir}/data", "-l", f"{pgdir}/log", "-w",
                        "-o", f"-p {self.pg_port} -k {pgdir} -c listen_addresses=127.0.0.1 -c max_connections=200",
                        "start"], check=True, stdout=subprocess.DEVNULL)
        self._stops.append([*as_owner, str(bindir / "pg_ctl"), "-D", f"{pgdir}/data", "-m", "fast", "stop"])
        for db in databases:
            subprocess.run([str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres",
                            "-q", "-c", f"CREATE DATABASE {db}"], check=True, stdout=subprocess.DEVNULL)
        return self.pg_port

    def pg_url(self, db: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.pg_port}/{db}"

    def pg_query(self, db: str, sql: str, params: tuple = ()) -> list:
        """Rows of one query, run with the bot venv's psycopg2 (Rasa's PostgreSQL driver) and
        committed (a test may write a row: end such a query with RETURNING)."""
        import psycopg2
        conn = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="postgres", dbname=db)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                rows = cur.fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()

    def rasa_tables_exist(self) -> bool:
        try:
            return self.pg_query("rasa_tracker", "select to_regclass('public.events') is not null")[0][0]
        except Exception:  # not up yet
            return False

    def redis(self) -> int:
        ensure_debian_packages("redis")
        self.redis_port = free_port()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.spawn("redis", [binary, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(self.workdir)])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self.redis_port
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"redis did not answer:\n{_tail(self.workdir / 'redis.log')}")

    def nginx(self, rasa_ports: List[int], action_ports: List[int], name: str = "nginx") -> str:
        """nginx from deploy/nginx/nginx.conf.template: one port for Rasa, one for the action servers."""
        ensure_debian_packages("nginx")
        prefix = self.workdir / name
        for sub in ("temp", "logs"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(prefix / sub, 0o777)
        rasa_port, actions_port = free_port(), free_port()
        conf = string.Template(NGINX_TEMPLATE.read_text()).safe_substitute(
            QC_NGINX_PREFIX=str(prefix), QC_NGINX_WORKERS="1",
            QC_NGINX_RASA_LISTEN=f"127.0.0.1:{rasa_port}", QC_NGINX_ACTIONS_LISTEN=f"127.0.0.1:{actions_port}",
            QC_RASA_SERVERS=" ".join(f"server 127.0.0.1:{p};" for p in rasa_ports),
            QC_ACTION_SERVERS=" ".join(f"server 127.0.0.1:{p};" for p in action_ports))
        (prefix / "nginx.conf").write_text(conf)
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.spawn(name, [binary, "-e", "stderr", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"])
        self.nginx_url = f"http://127.0.0.1:{rasa_port}"
        self.nginx_actions_url = f"http://127.0.0.1:{actions_port}"
        self.wait_http(name, f"{self.nginx_actions_url}/health", 20)
        return self.nginx_url

    # --- the QuickConnect services -----------------------------------------------------------
    def services(self, database_url: Optional[str] = None, bench_customers: int = 0) -> str:
        env = {**self.env, "QC_DATABASE_URL": database_url or f"sqlite:///{self.workdir}/services.db"}
        for cmd in (["migrate"], ["seed"]):
            subprocess.run([str(SERVICES_BIN / "qc-services"), *cmd], env=env, check=True, capture_output=True)
        if bench_customers:
            subprocess.run([str(SERVICES_BIN / "python"), str(ROOT / "bench" / "seed_customers.py"),
                            str(bench_customers)], env=env, check=True, capture_output=True)
        port = free_port()
        self.services_url = f"http://127.0.0.1:{port}"
        self.spawn("services", [str(SERVICES_BIN / "qc-services"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                   env=env)
        self.wait_http("services", f"{self.services_url}/health", 60)
        self.env["QC_SERVICES_URL"] = self.services_url
        return self.services_url

    def token(self, **credentials) -> str:
        resp = requests.post(f"{self.services_url}/auth/token", json=credentials, timeout=30)
        resp.raise_for_status()
        return resp.json()["access_token"]

    def get(self, path: str, token: str):
        resp = requests.get(f"{self.services_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        resp.raise_for_status()
        return resp.json()

    # --- action servers and Rasa servers -----------------------------------------------------
    def action_servers(self, count: int = 1) -> List[int]:
        ports = [free_port() for _ in range(count)]
        for i, port in enumerate(ports, 1):
            self.spawn(f"actions{i}", [str(RASA_BIN), "run", "actions", "--port", str(port)])
        for i, port in enumerate(ports, 1):
            self.wait_http(f"actions{i}", f"http://127.0.0.1:{port}/health", 180)
        self.actions_urls = [f"http://127.0.0.1:{p}" for p in ports]
        return ports

    def sqlite_endpoints(self, action_url: Optional[str], tracker_type: Optional[str] = None) -> Path:
        """Endpoints on files of this stack; the tracker store type is endpoints.yml's unless given."""
        tracker_type = tracker_type or yaml.safe_load((ROOT / "endpoints.yml").read_text())["tracker_store"]["type"]
        endpoints = self.workdir / "endpoints.yml"
        text = f"action_endpoint:\n  url: {action_url}\n" if action_url else ""
        endpoints.write_text(text + f"tracker_store:\n  type: {tracker_type}\n  dialect: sqlite\n  db: {self.workdir}/tracker.db\n"
                                    "lock_store:\n  type: in_memory\n")
        return endpoints

    def postgres_env(self, action_url: str) -> Dict[str, str]:
        """The environment deploy/endpoints.postgres.yml reads."""
        return {"QC_ACTION_ENDPOINT_URL": action_url, "QC_TRACKER_DB_HOST": "127.0.0.1",
                "QC_TRACKER_DB_PORT": str(self.pg_port), "QC_TRACKER_DB_NAME": "rasa_tracker",
                "QC_TRACKER_DB_USER": "postgres", "QC_TRACKER_DB_PASSWORD": "",
                "QC_REDIS_HOST": "127.0.0.1", "QC_REDIS_PORT": str(self.redis_port)}

    def credentials(self, channel: str = "quickconnect") -> Path:
        """The project's chat channel settings, except that every simulated user here shares one
        loopback address, so the per-address rate limit is lifted (as in the integration tests).
        channel="rest": Rasa's stock REST channel, for the baseline bot."""
        path = self.workdir / f"credentials-{channel}.yml"
        if channel == "rest":
            path.write_text("rest:\n")
        else:
            text = (ROOT / "credentials.yml").read_text()
            if "per_address_per_minute: 120" not in text or "per_conversation_per_minute: 30" not in text:
                raise RuntimeError("credentials.yml changed: update bench/stack.py's copy of the channel settings")
            text = text.replace("per_address_per_minute: 120", "per_address_per_minute: 1000000")
            if self.per_conversation_per_minute:
                text = text.replace("per_conversation_per_minute: 30",
                                    f"per_conversation_per_minute: {self.per_conversation_per_minute}")
            path.write_text(text)
        return path

    def rasa_servers(self, count: int, endpoints: Path, model: Path = MODEL, extra_env: Optional[dict] = None,
                     first_ready=None, ports: Optional[List[int]] = None, channel: str = "quickconnect",
                     instance_env: Optional[List[dict]] = None) -> List[int]:
        """Start `count` Rasa servers on one model. `first_ready()` (optional) is polled after the first
        is started and before the others are, so that only one creates the tracker store's tables.
        `instance_env[i]`: environment for server i+1 only (e.g. its own action server's URL)."""
        if not model.exists():
            raise RuntimeError(f"no trained model at {model}: run scripts/train.sh")
        ports = ports or [free_port() for _ in range(count)]
        for i, port in enumerate(ports, 1):
            env = {**self.env, **(extra_env or {}), **((instance_env or [{}] * count)[i - 1])}
            self.spawn(f"rasa{i}", [str(RASA_BIN), "run", "--model", str(model), "--endpoints", str(endpoints),
                                    "--credentials", str(self.credentials(channel)),
                                    "-i", "127.0.0.1", "--port", str(port)], env=env)
            if i == 1 and first_ready is not None and count > 1:
                deadline = time.monotonic() + 180
                while not first_ready():
                    if time.monotonic() > deadline or self.procs["rasa1"].poll() is not None:
                        raise RuntimeError(f"rasa1 did not create its tracker store:\n{_tail(self.workdir / 'rasa1.log')}")
                    time.sleep(0.5)
        for i, port in enumerate(ports, 1):
            # The server answers only once its model is loaded (Sanic's before_server_start).
            self.wait_http(f"rasa{i}", f"http://127.0.0.1:{port}/", 600)
        self.rasa_urls = [f"http://127.0.0.1:{p}" for p in ports]
        return ports
