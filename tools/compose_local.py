"""Run docker-compose.yml's worker, beat and flower services as local processes (no docker here).

    python tools/compose_local.py check                 # against the Compose Specification
    python tools/compose_local.py up   --broker URL --backend URL --state DIR
    python tools/compose_local.py down --state DIR

``up`` reads each service's ``command``, ``environment`` and ``healthcheck`` exactly as compose
would (YAML merge keys, ``${VAR:-default}`` / ``${VAR:?error}`` interpolation, ``$$``), then maps
the stack's hostnames to this machine: ``rabbitmq`` and ``redis`` become the given broker and
backend URLs, ``$HOSTNAME`` the service's ``hostname``, Flower's published port a free 127.0.0.1
port, and Flower's and beat's volumes a folder under DIR. When every service is ready it runs
each healthcheck once.
Every process gets its own session; their PIDs go to DIR/pids, which ``down`` reads to stop them
(and only them). The Compose schema is the one check-jsonschema vendors (a test requirement).
"""
import argparse
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import yaml

from labtasks import procs, readiness
from labtasks.procs import alive, free_port

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
RUN_SERVICES = ("worker-default", "worker-high", "worker-low", "worker-io", "beat", "flower")

_VAR = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})")


def load(path: Path = COMPOSE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def validate(doc: dict) -> None:
    """Raise jsonschema.ValidationError if ``doc`` breaks the Compose Specification."""
    import jsonschema
    from check_jsonschema.builtin_schemas import get_builtin_schema
    schema = get_builtin_schema("vendor.compose-spec")
    jsonschema.validate(doc, schema, cls=jsonschema.validators.validator_for(schema))


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


def _argv(command: list[str], env: dict[str, str]) -> list[str]:
    """A compose ``command`` or healthcheck ``test`` as this machine runs it."""
    command = interpolate(command, env)
    if command[0] == "CMD-SHELL":
        return ["sh", "-c", command[1]]
    if command[0] == "CMD":
        command = command[1:]
    if command[0] == "python":
        return [sys.executable, *command[1:]]
    if command[0] == "celery":
        return [sys.executable, "-m", "celery", *command[1:]]
    return command


def localize(name: str, service: dict, env: dict[str, str], broker: str, backend: str,
             state: Path, outer: dict | None = None) -> tuple[list[str], dict[str, str]]:
    """Map the stack's hostnames, ports and volumes to this machine.

    ``outer`` is the environment compose interpolates with (.env); ``env`` the service's own."""
    assert "@rabbitmq:" in env["CELERY_BROKER_URL"], env["CELERY_BROKER_URL"]
    assert env["CELERY_RESULT_BACKEND"].startswith("redis://redis"), env["CELERY_RESULT_BACKEND"]
    env = dict(env, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=backend)
    # the container's hostname (what `%h` and $HOSTNAME mean there); never this machine's
    host = service.get("hostname", name)
    env["HOSTNAME"] = host
    # `celery` inside a shell command: this interpreter's, as the image's is on its PATH
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    command = [a.replace("%h", host) for a in _argv(service["command"], outer or {})]
    if "LABTASKS_WORKER_LOG_DIR" in env:  # the shared log volume
        env["LABTASKS_WORKER_LOG_DIR"] = str(state / "worker-logs")
    if name == "beat":  # its state file: on the beat-data volume there, under DIR here
        command = [a.replace("/home/lab/beat-data/", f"{state}/") for a in command]
    if name == "flower":
        port = free_port()
        command = [a.replace("--address=0.0.0.0", "--address=127.0.0.1")
                   .replace("--port=5555", f"--port={port}") for a in command]
        if "FLOWER_DB" in env:
            env["FLOWER_DB"] = str(state / "flower.db")
        env["LOCAL_PORT"] = str(port)
    return command, env


def healthcheck(service: dict, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the service's healthcheck once, here, with the environment ``localize`` gave it."""
    test = _argv(service["healthcheck"]["test"], {})
    if "LOCAL_PORT" in env:  # Flower's port inside the container -> the one it got here
        test = [a.replace(":5555/", f":{env['LOCAL_PORT']}/") for a in test]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    child_env.update(env)
    return subprocess.run(test, cwd=ROOT, env=child_env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


def up(broker: str, backend: str, state: Path, ready_timeout: float = 60.0) -> dict:
    doc = load()
    state.mkdir(parents=True, exist_ok=True)
    outer = dict(os.environ)
    for var in ("FLOWER_PASSWORD", "JUPYTER_TOKEN", "RABBITMQ_PASSWORD"):
        outer.setdefault(var, secrets.token_hex(12))
    outer.setdefault("FLOWER_USER", "lab")
    outer.setdefault("RABBITMQ_USER", "celerylab")
    started = {}
    with open(state / "pids", "a") as pids:
        for name in RUN_SERVICES:
            command, env = localize(name, doc["services"][name],
                                    service_env(doc, name, outer), broker, backend, state, outer)
            child_env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
            child_env.update(env)
            # Celery's worker_ready / beat_init signal writes it (labtasks.readiness)
            child_env[readiness.ENV] = str(state / f"{name}.ready")
            with open(state / f"{name}.log", "ab") as log:
                proc = subprocess.Popen(command, cwd=ROOT, env=child_env,
                                        stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
            pids.write(f"{proc.pid} {name}\n")
            pids.flush()
            started[name] = {"pid": proc.pid, "command": command, "env": env}
            print(f"{name}: pid {proc.pid}: {' '.join(command)}", flush=True)
    _wait_ready(started, broker, backend, outer["FLOWER_PASSWORD"], state, ready_timeout)
    for name, info in started.items():
        if "healthcheck" not in doc["services"][name]:
            continue  # beat: ready once it sent beat_init
        result = healthcheck(doc["services"][name], info["env"])
        if result.returncode != 0:
            sys.exit(f"{name}: healthcheck failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        print(f"{name}: healthcheck passed", flush=True)
    # and a worker healthcheck really checks its own node: addressed elsewhere, it fails
    elsewhere = dict(started["worker-default"]["env"], HOSTNAME="no-such-host")
    if healthcheck(doc["services"]["worker-default"], elsewhere).returncode == 0:
        sys.exit("worker-default: its healthcheck passed for a node that does not exist")
    print("worker-default: healthcheck fails for another node name, as it should", flush=True)
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
        beating = all((state / f"{name}.ready").exists()
                      for name, info in started.items() if "beat" in info["command"])
        if beating and wanted <= nodes and wanted <= {n.split("@")[0] for n in seen}:
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
    for pid, _name in entries:
        procs.terminate(int(pid))  # each service is its own session and group: all stop at once
    deadline = time.monotonic() + grace
    for pid, name in entries:
        in_time = procs.stop(int(pid), grace=max(0.0, deadline - time.monotonic()))
        print(f"{name}: pid {pid} " + ("stopped" if in_time else f"SIGKILLed after {grace:.0f} s"),
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
