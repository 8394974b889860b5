"""A real OpenSearch cluster on loopback, from Maven Central's artifacts, for tests and trials.

    python tools/cluster.py start [--nodes 2]   # fetch 2.19.x once, start the nodes, wait for green
    python tools/cluster.py stop                # stop every node this folder started
    python tools/cluster.py status

The distribution is OpenSearch's integ-test zip (the server and its transport module,
no bundled JDK and no security plugin): it runs on the machine's Java 17. Nodes keep
their data, logs and pid files under var/opensearch/ (as root, $TMPDIR/xxgk-opensearch; or
$XXGK_OPENSEARCH_HOME); their
HTTP ports are 9250, 9251, … so that a developer's own OpenSearch on 9200 is left alone.
OpenSearch refuses to run as root: as root, the nodes run as the user `nobody`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

VERSION = "2.19.6"
ARTIFACT = (
    "https://repo1.maven.org/maven2/org/opensearch/distribution/integ-test-zip/opensearch/"
    f"{VERSION}/opensearch-{VERSION}.zip"
)
# Modules the zip leaves out, added from their Maven Central jars (each with the descriptor a
# distribution's module folder holds): parent-join, for the join field between a report and its sections.
MODULES = {"parent-join": ("parent-join-client", "org.opensearch.join.ParentJoinPlugin")}
HTTP_BASE, TRANSPORT_BASE = 9250, 9350
CLUSTER_NAME = "xxgk"
HEAP = os.environ.get("XXGK_OPENSEARCH_HEAP", "512m")
NOBODY = 65534


def home() -> Path:
    """Where the distribution and the nodes' folders live. As root, under the temporary folder: the nodes
    run as `nobody`, who may not be able to reach a checkout in root's home."""
    if os.environ.get("XXGK_OPENSEARCH_HOME"):
        return Path(os.environ["XXGK_OPENSEARCH_HOME"])
    if os.geteuid() == 0:
        return Path(tempfile.gettempdir()) / "xxgk-opensearch"
    return Path(__file__).resolve().parents[1] / "var" / "opensearch"


def url(node: int = 0) -> str:
    return f"http://127.0.0.1:{HTTP_BASE + node}"


def java_home() -> Path | None:
    """The JDK to run on: $JAVA_HOME, else the one `java` on the PATH belongs to; None without Java."""
    if os.environ.get("JAVA_HOME"):
        return Path(os.environ["JAVA_HOME"])
    java = shutil.which("java")
    return Path(java).resolve().parents[1] if java else None


def _fetch(address: str, target: Path) -> Path:
    """Download a Maven Central artifact once, checked against the SHA-1 published beside it."""
    if target.exists():
        return target
    partial = target.with_suffix(".part")
    with urllib.request.urlopen(address, timeout=120) as response, open(partial, "wb") as out:
        shutil.copyfileobj(response, out)
    with urllib.request.urlopen(address + ".sha1", timeout=60) as response:
        expected = response.read().decode().split()[0]
    actual = hashlib.sha1(partial.read_bytes()).hexdigest()
    if actual != expected:
        partial.unlink()
        raise SystemExit(f"{address}: SHA-1 {actual}, Maven Central says {expected}")
    partial.rename(target)
    return target


def distribution() -> Path:
    """The unpacked distribution with its added modules, fetched on first use."""
    folder = home() / f"opensearch-{VERSION}"
    if not (folder / "bin" / "opensearch").exists():
        home().mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(_fetch(ARTIFACT, home() / f"opensearch-{VERSION}.zip")) as z:
            z.extractall(home())
        for path in (folder / "bin").iterdir():
            path.chmod(0o755)
    for module, (artifact, classname) in MODULES.items():
        target = folder / "modules" / module
        if (target / "plugin-descriptor.properties").exists():
            continue
        target.mkdir(parents=True, exist_ok=True)
        jar = f"{artifact}-{VERSION}.jar"
        _fetch(f"https://repo1.maven.org/maven2/org/opensearch/plugin/{artifact}/{VERSION}/{jar}", target / jar)
        (target / "plugin-descriptor.properties").write_text(
            f"description={module}\nversion={VERSION}\nname={module}\nclassname={classname}\n"
            f"java.version=11\nopensearch.version={VERSION}\nextended.plugins=\nhas.native.controller=false\n"
        )
    return folder


def _node_dir(node: int) -> Path:
    return home() / f"node-{node}"


def _configure(node: int, nodes: int, dist: Path) -> Path:
    folder = _node_dir(node)
    config = folder / "config"
    config.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)
    shutil.copy(dist / "config" / "log4j2.properties", config)
    # the stock options log GC to a path relative to the working directory: left out
    options = [
        line
        for line in (dist / "config" / "jvm.options").read_text().splitlines()
        if not any(word in line for word in ("gc.log", "HeapDump", "ErrorFile", "-Xms", "-Xmx"))
    ]
    (config / "jvm.options").write_text("\n".join([*options, f"-Xms{HEAP}", f"-Xmx{HEAP}"]) + "\n")
    seeds = ", ".join(f'"127.0.0.1:{TRANSPORT_BASE + i}"' for i in range(nodes))
    managers = ", ".join(f'"node-{i}"' for i in range(nodes))
    (config / "opensearch.yml").write_text(
        f"cluster.name: {CLUSTER_NAME}\n"
        f"node.name: node-{node}\n"
        f"path.data: {folder / 'data'}\n"
        f"path.logs: {folder / 'logs'}\n"
        "network.host: 127.0.0.1\n"
        f"http.port: {HTTP_BASE + node}\n"
        f"transport.port: {TRANSPORT_BASE + node}\n"
        f"discovery.seed_hosts: [{seeds}]\n"
        f"cluster.initial_cluster_manager_nodes: [{managers}]\n"
        # a test machine's disk may be nearly full: shards are placed anyway
        "cluster.routing.allocation.disk.threshold_enabled: false\n"
        "action.auto_create_index: false\n"
    )
    if os.geteuid() == 0:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
    return folder


def _pid(node: int) -> int | None:
    try:
        pid = int((_node_dir(node) / "pid").read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    return pid


def start_node(node: int, nodes: int) -> None:
    """Start one node (a daemon) unless it runs already."""
    if _pid(node):
        return
    jdk = java_home()
    if jdk is None:
        raise SystemExit("no Java found: OpenSearch needs Java 17 (set JAVA_HOME)")
    dist = distribution()
    folder = _configure(node, nodes, dist)
    env = os.environ | {
        "JAVA_HOME": str(jdk),
        "OPENSEARCH_JAVA_HOME": str(jdk),
        "OPENSEARCH_PATH_CONF": str(folder / "config"),
    }
    env.pop("OPENSEARCH_JAVA_OPTS", None)
    command = [str(dist / "bin" / "opensearch"), "-d", "-p", str(folder / "pid")]
    if os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    with open(folder / "start.log", "wb") as log:
        done = subprocess.run(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    if done.returncode:
        tail = (folder / "start.log").read_text(errors="replace")[-2000:]
        raise SystemExit(f"node-{node} did not start (exit {done.returncode}):\n{tail}")


def stop_node(node: int, timeout: float = 60) -> None:
    """Stop one node and wait until its process is gone."""
    pid = _pid(node)
    if not pid:
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid(node) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _pid(node):
        os.kill(pid, signal.SIGKILL)


def health(node: int = 0, timeout: float = 2) -> dict | None:
    try:
        with urllib.request.urlopen(url(node) + "/_cluster/health", timeout=timeout) as response:
            return json.load(response)
    except OSError:
        return None


def wait_green(nodes: int, timeout: float = 600, via: int = 0) -> dict:
    """Wait until the cluster has every node and is green; the health last read."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = health(via)
        if last and last.get("number_of_nodes") == nodes and last.get("status") == "green":
            return last
        time.sleep(0.5)
    raise SystemExit(f"the cluster was not green with {nodes} nodes within {timeout:.0f}s: {last}")


def start(nodes: int = 2) -> str:
    """Start the cluster (the nodes not running yet) and wait for it; its first node's URL."""
    for node in range(nodes):
        start_node(node, nodes)
    wait_green(nodes)
    return url(0)


def stop(nodes: int = 8) -> None:
    for node in range(nodes):
        stop_node(node)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/cluster.py", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("start", "stop", "status", "fetch"))
    parser.add_argument("--nodes", type=int, default=2)
    args = parser.parse_args(argv)
    if args.action == "fetch":
        print(distribution())
    elif args.action == "start":
        print(start(args.nodes))
    elif args.action == "stop":
        stop()
    else:
        print(json.dumps(health() or {"status": "down"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
