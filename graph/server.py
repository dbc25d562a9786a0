"""Runs a local Neo4j Community server from the jars Maven fetched (no Docker needed).

`ensure_jars` asks Maven for org.neo4j:neo4j (see neo4j/pom.xml); `LocalNeo4j`
writes a neo4j.conf, starts `org.neo4j.server.CommunityEntryPoint` bound to
loopback, waits until Bolt answers, sets a generated password on first start,
and stops the process cleanly. Used by `manage.py neo4j`, `manage.py demo` and
the test fixtures.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import GraphUnavailable

PROJECT_DIR = Path(__file__).resolve().parent.parent
POM = PROJECT_DIR / "neo4j" / "pom.xml"
DEFAULT_LIB = PROJECT_DIR / "var" / "neo4j" / "lib"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"

# Flags Neo4j's own launcher passes on Java 17; without the add-opens the
# page cache and Netty fall back to slow paths or fail.
JVM_FLAGS = [
    "-XX:+UseG1GC",
    # C1 only: the servers we run are short-lived (tests, demo, dev) and C2's
    # compile work dominated a fresh server's CPU. bench/load_org.py, 10,000
    # people on a new server: 37 -> 16 Neo4j CPU-seconds, 97 s -> 28 s wall on
    # the shared 2-core box; start-up 48 s -> 23 s.
    "-XX:TieredStopAtLevel=1",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def jars_present(lib_dir: Path = DEFAULT_LIB) -> bool:
    return lib_dir.is_dir() and any(lib_dir.glob("neo4j-server-*.jar"))


def ensure_jars(lib_dir: Path = DEFAULT_LIB, quiet: bool = True) -> Path:
    """Fetch Neo4j's jars with Maven unless they are already there."""
    if jars_present(lib_dir):
        return lib_dir
    mvn = shutil.which("mvn")
    if not mvn:
        raise GraphUnavailable("Maven (mvn) is needed to fetch Neo4j's jars; install it or set NEO4J_URI")
    cmd = [mvn, "-B", "-f", str(POM), f"-Dneo4j.lib={lib_dir}", "dependency:copy-dependencies"]
    if quiet:
        cmd.insert(2, "-q")
    result = subprocess.run(cmd, capture_output=quiet, text=True)
    if result.returncode != 0 or not jars_present(lib_dir):
        detail = (result.stdout or "")[-2000:] if quiet else ""
        raise GraphUnavailable(f"fetching Neo4j jars with Maven failed (exit {result.returncode}) {detail}")
    return lib_dir


@dataclass
class ServerInfo:
    uri: str
    user: str
    password: str
    pid: int | None = None


class LocalNeo4j:
    """One Neo4j server whose files live under `home` (conf, data, logs, run)."""

    def __init__(self, home: Path, port: int, lib_dir: Path = DEFAULT_LIB,
                 heap: str = "1g", pagecache: str = "512m", password: str | None = None):
        self.home = Path(home)
        self.port = port
        self.lib_dir = Path(lib_dir)
        self.heap = heap
        self.pagecache = pagecache
        self._password = password

    # -- files ---------------------------------------------------------
    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "kiki-neo4j.pid"

    @property
    def auth_file(self) -> Path:
        return self.home / "auth.json"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def write_conf(self) -> None:
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        h = self.home
        conf = f"""# Written by Kiki (graph/server.py); edits are overwritten at start.
server.directories.data={h / 'data'}
server.directories.logs={h / 'logs'}
server.directories.run={h / 'run'}
server.directories.plugins={h / 'plugins'}
server.directories.import={h / 'import'}
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:{self.port}
server.bolt.advertised_address=127.0.0.1:{self.port}
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=true
dbms.usage_report.enabled=false
server.memory.pagecache.size={self.pagecache}
db.tx_log.rotation.retention_policy=2 files
dbms.security.allow_csv_import_from_file_urls=true
"""
        (self.conf_dir / "neo4j.conf").write_text(conf)

    # -- state ---------------------------------------------------------
    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return pid

    def running(self) -> bool:
        return self.pid() is not None and port_open(self.port)

    def saved_password(self) -> str | None:
        if self._password:
            return self._password
        try:
            return json.loads(self.auth_file.read_text())["password"]
        except (FileNotFoundError, KeyError, ValueError):
            return None

    def info(self) -> ServerInfo:
        return ServerInfo(self.uri, "neo4j", self.saved_password() or "", self.pid())

    # -- lifecycle -----------------------------------------------------
    def start(self, timeout: float = 120) -> ServerInfo:
        """Start the server (or return the running one) and make sure auth is set."""
        if self.running():
            return self.info()
        if port_open(self.port):
            raise GraphUnavailable(
                f"port {self.port} is taken by another program; set KIKI_NEO4J_BOLT_PORT or NEO4J_URI")
        ensure_jars(self.lib_dir)
        java = shutil.which("java")
        if not java:
            raise GraphUnavailable("Java 17 is needed to run Neo4j; install it or set NEO4J_URI")
        self.write_conf()
        cmd = [java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *JVM_FLAGS,
               "-cp", f"{self.lib_dir}/*", ENTRY_POINT,
               f"--home-dir={self.home}", f"--config-dir={self.conf_dir}"]
        log = open(self.log_file, "ab")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=self.home)
        log.close()
        self.pid_file.write_text(str(proc.pid))
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if proc.poll() is not None:
                raise GraphUnavailable(
                    f"Neo4j exited with code {proc.returncode} during start; see {self.log_file}")
            if time.monotonic() > deadline:
                self.stop()
                raise GraphUnavailable(f"Neo4j did not open Bolt on port {self.port} in {timeout:.0f}s; "
                                       f"see {self.log_file}")
            time.sleep(0.3)
        self._ensure_password(deadline)
        return self.info()

    def _ensure_password(self, deadline: float) -> None:
        """On a fresh store the user neo4j/neo4j must change its password before
        anything else; we set a generated one and keep it in auth.json (0600)."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

        from .queries import CHANGE_INITIAL_PASSWORD

        wanted = self.saved_password()
        while True:
            try:
                if wanted:
                    with GraphDatabase.driver(self.uri, auth=("neo4j", wanted)) as d:
                        d.verify_connectivity()
                    break
                wanted = self._password or secrets.token_urlsafe(18)
                with GraphDatabase.driver(self.uri, auth=("neo4j", "neo4j")) as d:
                    with d.session(database="system") as s:
                        s.run(CHANGE_INITIAL_PASSWORD, new=wanted).consume()
                break
            except AuthError:
                if self.saved_password() and wanted == self.saved_password() and not self._password:
                    raise GraphUnavailable(
                        f"Neo4j rejected the password saved in {self.auth_file}; "
                        f"delete {self.home / 'data'} to start over") from None
                wanted = None
            except (ServiceUnavailable, SessionExpired, OSError):
                if time.monotonic() > deadline:
                    raise GraphUnavailable("Neo4j started but Bolt never accepted a session") from None
                time.sleep(0.5)
        self.auth_file.write_text(json.dumps({"user": "neo4j", "password": wanted}))
        os.chmod(self.auth_file, 0o600)

    def stop(self, timeout: float = 60) -> bool:
        """Ask the server to shut down (SIGTERM runs Neo4j's clean shutdown)."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    break
            except ChildProcessError:
                pass
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True
