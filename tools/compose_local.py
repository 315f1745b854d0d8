"""Run docker-compose.yml's worker and flower services as local processes (there is no docker here).

    python tools/compose_local.py check                 # schema + the course's own rules
    python tools/compose_local.py up   --broker URL --backend URL --state DIR
    python tools/compose_local.py down --state DIR

``up`` reads each service's ``command`` and ``environment`` exactly as compose would (YAML merge
keys, ``${VAR:-default}`` / ``${VAR:?error}`` interpolation), then maps the stack's hostnames to
this machine: ``rabbitmq`` and ``redis`` become the given broker and backend URLs, Flower's
published port becomes a free 127.0.0.1 port and its volume a folder under DIR. Every process gets
its own session; their PIDs go to DIR/pids, which ``down`` reads to stop them (and only them).
"""
import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml

from labtasks.procs import alive

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = ROOT.parent / "shared" / "schemas" / "compose-spec.json"
RUN_SERVICES = ("worker-default", "worker-high", "worker-low", "worker-io", "flower")

_VAR = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})")


def load(path: Path = COMPOSE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def validate(doc: dict, schema_path: Path = SCHEMA) -> None:
    """Raise jsonschema.ValidationError if ``doc`` breaks the Compose Specification."""
    import jsonschema
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema, cls=jsonschema.Draft7Validator)


def interpolate(value, env: dict):
    """Compose's variable interpolation, applied to every string in ``value``."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(m):
        if m.group(0) == "$$":
            return "$"
        name, op, arg = m["name"], m["op"], m["arg"]
        have = env.get(name)
        empty = have is None or (have == "" and op and op.startswith(":"))
        if op in (":-", "-"):
            return arg if empty else have
        if op in (":?", "?"):
            if empty:
                raise ValueError(f"{name}: {arg}")
            return have
        return have or ""
    return _VAR.sub(one, value)


def service_env(doc: dict, name: str, env: dict) -> dict[str, str]:
    raw = doc["services"][name].get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {k: str(v) for k, v in interpolate(raw, env).items()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def localize(name: str, service: dict, env: dict[str, str], broker: str, backend: str,
             state: Path) -> tuple[list[str], dict[str, str]]:
    """Map the stack's hostnames, ports and volumes to this machine."""
    command = service["command"]
    assert "@rabbitmq:" in env["CELERY_BROKER_URL"], env["CELERY_BROKER_URL"]
    assert env["CELERY_RESULT_BACKEND"].startswith("redis://redis"), env["CELERY_RESULT_BACKEND"]
    env = dict(env, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=backend)
    # the container's hostname (what `%h` in a node name means there); never this machine's
    host = service.get("hostname", name)
    command = [a.replace("%h", host) for a in command]
    if "LABTASKS_WORKER_LOG_DIR" in env:  # the shared log volume
        env["LABTASKS_WORKER_LOG_DIR"] = str(state / "worker-logs")
    if command[0] == "python":
        command[0] = sys.executable
    elif command[0] == "celery":
        command[:1] = [sys.executable, "-m", "celery"]
    if name == "flower":
        port = _free_port()
        command = [("--address=127.0.0.1" if a.startswith("--address=") else
                    f"--port={port}" if a.startswith("--port=") else a) for a in command]
        if "FLOWER_DB" in env:
            env["FLOWER_DB"] = str(state / "flower.db")
        env["LOCAL_PORT"] = str(port)
    return command, env


def up(broker: str, backend: str, state: Path, ready_timeout: float = 60.0) -> dict:
    doc = load()
    state.mkdir(parents=True, exist_ok=True)
    outer = dict(os.environ)
    outer.setdefault("FLOWER_PASSWORD", secrets.token_urlsafe(12))
    outer.setdefault("JUPYTER_TOKEN", secrets.token_urlsafe(12))
    started = {}
    with open(state / "pids", "a") as pids:
        for name in RUN_SERVICES:
            command, env = localize(name, doc["services"][name],
                                    service_env(doc, name, outer), broker, backend, state)
            child_env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
            child_env.update(env)
            log = open(state / f"{name}.log", "ab")
            proc = subprocess.Popen(command, cwd=ROOT, env=child_env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            pids.write(f"{proc.pid} {name}\n")
            pids.flush()
            started[name] = {"pid": proc.pid, "command": command, "env": env}
            print(f"{name}: pid {proc.pid}: {' '.join(command)}", flush=True)
    _wait_ready(started, broker, backend, outer["FLOWER_PASSWORD"], state, ready_timeout)
    return started


def _wait_ready(started, broker, backend, password, state, timeout):
    os.environ.update(CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=backend)
    import requests
    from labtasks.app import app
    app.conf.update(broker_url=broker, result_backend=backend)
    # the node names the worker services give with -n (w1@%h -> w1)
    wanted = {info["command"][info["command"].index("-n") + 1].split("@")[0]
              for info in started.values() if "-n" in info["command"]}
    flower = started["flower"]["env"]
    url = f"http://127.0.0.1:{flower['LOCAL_PORT']}/"
    auth = tuple(flower["FLOWER_BASIC_AUTH"].split(":", 1))
    assert auth[1] == password
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        for name, info in started.items():
            if not alive(info["pid"]):
                sys.exit(f"{name} exited:\n" + (state / f"{name}.log").read_text()[-3000:])
        replies = app.control.ping(timeout=1.0) or []
        nodes = {node.split("@")[0] for reply in replies for node in reply}
        try:
            seen = set(requests.get(url + "api/workers", params={"refresh": "1"}, auth=auth,
                                    timeout=5).json())
        except (requests.ConnectionError, ValueError):
            seen = set()
        if wanted <= nodes and wanted <= {n.split("@")[0] for n in seen}:
            print(f"ready: workers {sorted(nodes)}; Flower {url} lists {sorted(seen)}", flush=True)
            return
        time.sleep(0.5)
    sys.exit(f"not ready within {timeout:.0f} s: answered {sorted(nodes)}, Flower saw {sorted(seen)}")


def down(state: Path, grace: float = 15.0) -> None:
    """Stop every process group that ``up`` recorded in ``state/pids``."""
    record = state / "pids"
    if not record.exists():
        return
    entries = [line.split(maxsplit=1) for line in record.read_text().splitlines() if line]
    for pid, name in entries:
        try:
            os.killpg(int(pid), signal.SIGTERM)  # each service is its own session and group
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(int(pid)) for pid, _ in entries):
        time.sleep(0.2)
    for pid, name in entries:
        late = alive(int(pid))
        try:
            os.killpg(int(pid), signal.SIGKILL)  # also any pool child left in the group
        except ProcessLookupError:
            pass
        print(f"{name}: pid {pid} " + (f"SIGKILLed after {grace:.0f} s" if late else "stopped"),
              flush=True)
    record.unlink()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["check", "up", "down"])
    parser.add_argument("--broker")
    parser.add_argument("--backend")
    parser.add_argument("--state", type=Path)
    args = parser.parse_args()
    if args.action == "check":
        validate(load())
        print("docker-compose.yml: valid against the Compose Specification")
    elif args.action == "up":
        up(args.broker, args.backend, args.state)
    else:
        down(args.state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
