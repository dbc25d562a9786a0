"""The Neo4j a benchmark measures: the one given with --uri/--user/--password,
or a throwaway server on a free port, removed afterwards. Importing this sets
nothing up (benchmarks choose their Django settings first)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def start(args, heap: str = "1g", pagecache: str = "512m"):
    """Point graph.driver at the benchmark's Neo4j; returns what `stop` needs."""
    from graph import driver
    from graph.server import LocalNeo4j, free_port

    if getattr(args, "uri", None):
        driver.configure(args.uri, args.user, args.password)
        return None
    home = Path(tempfile.mkdtemp(prefix="kiki-bench-neo4j-"))
    server = LocalNeo4j(home, free_port(), heap=heap, pagecache=pagecache)
    print(f"starting a throwaway Neo4j in {home} ...", flush=True)
    info = server.start()
    driver.configure(info.uri, info.user, info.password)
    return server


def stop(server) -> None:
    """Close the driver; stop and remove a throwaway server."""
    from graph import driver

    driver.close()
    if server is not None:
        server.stop()
        shutil.rmtree(server.home, ignore_errors=True)
