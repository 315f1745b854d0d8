"""docker-compose.yml and Dockerfile: valid Compose, and the rules issues 5 and 13 set for the stack.

There is no docker engine here. The services' commands and healthchecks are run for real by the
compose CI leg (.ci/compose_leg.sh); these tests check the file itself, and run the Flower
service's start-up check locally.
"""
import copy
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import compose_local  # noqa: E402

DOC = compose_local.load()
SERVICES = DOC["services"]
WORKERS = {name: s for name, s in SERVICES.items() if name.startswith("worker-")}
CREDENTIALS = ("FLOWER_USER", "FLOWER_PASSWORD", "JUPYTER_TOKEN", "RABBITMQ_USER", "RABBITMQ_PASSWORD")
ENV = {"FLOWER_USER": "lab", "FLOWER_PASSWORD": "x", "JUPYTER_TOKEN": "y",
       "RABBITMQ_USER": "u", "RABBITMQ_PASSWORD": "p"}
RUNS_CHILDREN = [n for n in SERVICES if n.startswith("worker-")] + ["flower", "lab"]


def seconds(duration: str) -> float:
    """A Compose duration such as ``1m30s`` or ``20s``."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * units[u] for n, u in parts)


def test_valid_against_the_compose_specification():
    compose_local.validate(DOC)


def test_the_schema_really_rejects_a_broken_file():
    broken = copy.deepcopy(DOC)
    broken["services"]["redis"]["healthcheck"]["retries"] = ["many"]
    with pytest.raises(jsonschema.ValidationError):
        compose_local.validate(broken)
    broken = copy.deepcopy(DOC)
    broken["services"]["redis"]["no_such_key"] = True
    with pytest.raises(jsonschema.ValidationError):
        compose_local.validate(broken)


def test_rabbitmq_uses_the_management_image_and_has_a_healthcheck():
    assert "management" in SERVICES["rabbitmq"]["image"]
    assert SERVICES["rabbitmq"]["healthcheck"]["test"]


def test_redis_is_append_only_on_a_named_volume_healthy_and_not_published():
    redis = SERVICES["redis"]
    assert redis["command"][-2:] == ["--appendonly", "yes"]
    volume = redis["volumes"][0].split(":")[0]
    assert volume in DOC["volumes"]
    assert redis["healthcheck"]["test"]
    assert "ports" not in redis


def test_one_worker_per_queue_each_with_an_explicit_concurrency():
    queues = {}
    for name, service in WORKERS.items():
        command = service["command"]
        assert command[:4] == ["celery", "-A", "labtasks", "worker"]
        assert command[command.index("-n") + 1].endswith("@%h")
        assert "-c" in command, f"{name}: -c is required (os.cpu_count() ignores CPU limits)"
        queues[command[command.index("-Q") + 1]] = command[command.index("-P") + 1]
    assert queues == {"celery": "prefork", "high_priority": "prefork",
                      "low_priority": "prefork", "io": "gevent"}


@pytest.mark.parametrize("name", [n for n in SERVICES if n not in ("rabbitmq", "redis")])
def test_celery_services_wait_for_healthy_broker_and_backend_and_use_external_workers(name):
    service = SERVICES[name]
    for dep in ("rabbitmq", "redis"):
        assert service["depends_on"][dep]["condition"] == "service_healthy"
    env = compose_local.service_env(DOC, name, ENV)
    assert env["CELERY_BROKER_URL"].startswith("amqp://")
    assert env["CELERY_BROKER_URL"].endswith("@rabbitmq:5672//")
    assert env["CELERY_RESULT_BACKEND"] == "redis://redis:6379/0"
    assert env["LABTASKS_WORKERS"] == "external"


def test_every_credential_is_required_and_none_has_a_default():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^\s*#.*$", "", text)  # what compose reads, not the comments
    used = re.findall(r"\$\{(\w+)(:\?|:-|-|\?|\})", text)
    assert {name for name, _ in used} == set(CREDENTIALS)
    assert {op for _, op in used} == {":?"}, used  # no ${VAR:-default} anywhere
    users = {"FLOWER_USER": "flower", "FLOWER_PASSWORD": "flower", "JUPYTER_TOKEN": "lab",
             "RABBITMQ_USER": "rabbitmq", "RABBITMQ_PASSWORD": "rabbitmq"}
    for var, service in users.items():
        for missing in ({}, {var: ""}):
            env = {k: v for k, v in ENV.items() if k != var} | missing
            with pytest.raises(ValueError, match=var):
                compose_local.service_env(DOC, service, env)
    assert compose_local.service_env(DOC, "flower", ENV)["FLOWER_BASIC_AUTH"] == "lab:x"
    assert compose_local.service_env(DOC, "rabbitmq", ENV) == {
        "RABBITMQ_DEFAULT_USER": "u", "RABBITMQ_DEFAULT_PASS": "p"}
    assert compose_local.service_env(DOC, "worker-io", ENV)["CELERY_BROKER_URL"] == \
        "amqp://u:p@rabbitmq:5672//"
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert set(example) == set(CREDENTIALS)
    for secret in ("FLOWER_PASSWORD", "JUPYTER_TOKEN", "RABBITMQ_PASSWORD"):
        assert example[secret] == "", secret  # a slot to fill in, not a password
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_images_are_pinned_to_a_minor_version():
    pinned = re.compile(r"^[\w./-]+:\d+\.\d+(\.\d+)?(-[\w.-]+)?$")
    for name, service in SERVICES.items():
        if service.get("build"):
            continue  # the image built from the Dockerfile below
        assert pinned.match(service["image"]), (name, service["image"])
    (base,) = re.findall(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(), flags=re.M)
    assert pinned.match(base) and base.startswith("python:3.11"), base


@pytest.mark.parametrize("name", RUNS_CHILDREN)
def test_services_whose_processes_spawn_children_run_under_an_init(name):
    assert SERVICES[name]["init"] is True


@pytest.mark.parametrize("name", sorted(WORKERS))
def test_every_worker_has_a_healthcheck_that_pings_its_own_node(name):
    service = WORKERS[name]
    command = service["command"]
    node = command[command.index("-n") + 1].replace("%h", "$$HOSTNAME")
    check = service["healthcheck"]
    assert check["test"][0] == "CMD-SHELL"
    assert re.fullmatch(rf"celery -A labtasks inspect ping -t (\d+) -d {re.escape(node)}",
                        check["test"][1]), check["test"]
    ping = int(check["test"][1].split("-t ")[1].split()[0])
    assert ping < seconds(check["timeout"]) <= seconds(check["interval"])
    assert check["retries"] >= 2 and seconds(check["start_period"]) >= 10


def test_flower_has_a_healthcheck_on_its_unauthenticated_endpoint():
    check = SERVICES["flower"]["healthcheck"]
    assert "http://127.0.0.1:5555/healthcheck" in " ".join(check["test"])
    assert seconds(check["timeout"]) <= seconds(check["interval"])


def test_workers_get_longer_to_stop_than_any_task_of_the_course_may_run():
    """Chapter 09's tasks have time limits; a warm shutdown must let the longest one finish."""
    proc = subprocess.run(
        [sys.executable, "-c", "import labtasks.tasks; from labtasks.app import app; "
         "print(max([t.time_limit or 0 for t in app.tasks.values()] + "
         "[app.conf.task_time_limit or 0]))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in __import__("os").environ.items() if not k.startswith("CELERY_")})
    assert proc.returncode == 0, proc.stderr
    longest = float(proc.stdout.split()[-1])
    assert longest >= 3  # chapter 09's hard limit: the test reads the real tasks
    for name, service in WORKERS.items():
        assert seconds(service["stop_grace_period"]) >= 5 * longest, name


def test_flower_refuses_a_comma_in_its_password_with_a_korean_error(tmp_path):
    """The service's own command, run here: it must stop before Flower starts."""
    env = dict(ENV, FLOWER_PASSWORD="pass,word")
    command, child = compose_local.localize(
        "flower", SERVICES["flower"], compose_local.service_env(DOC, "flower", env),
        "amqp://guest:guest@127.0.0.1:9/", "redis://127.0.0.1:9/0", tmp_path, env)
    proc = subprocess.run(command, env=child, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, cwd=ROOT)
    assert proc.returncode == 64, (proc.returncode, proc.stderr[-2000:])
    assert "쉼표" in proc.stderr and "FLOWER_PASSWORD" in proc.stderr


def test_rabbitmq_credentials_note_that_the_volume_keeps_the_first_ones():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "docker compose down -v" in text
    assert "docker compose down -v" in (ROOT / ".env.example").read_text()


def test_lab_runs_jupyterlab_with_a_token():
    lab = SERVICES["lab"]
    assert lab["command"][:2] == ["jupyter", "lab"]
    assert "${JUPYTER_TOKEN:?" in lab["environment"]["JUPYTER_TOKEN"]


def test_published_ports_bind_to_loopback_only():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_interpolation_follows_compose_rules():
    f = compose_local.interpolate
    assert f("${A:-d}", {}) == "d"
    assert f("${A:-d}", {"A": ""}) == "d"
    assert f("${A-d}", {"A": ""}) == ""
    assert f("${A}/$$B", {"A": "x"}) == "x/$B"
    with pytest.raises(ValueError, match="A: need it"):
        f("${A:?need it}", {"A": ""})


def test_the_dockerfile_builds_the_image_the_services_run():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11" in text
    # the runtime pins only, copied alone before the rest so that the layer stays cached
    copy_reqs = text.index("COPY binder/requirements.txt")
    assert copy_reqs < text.index("pip install -r binder/requirements.txt") < text.index("COPY --chown")
    assert "USER lab" in text
    for name, service in SERVICES.items():
        if name not in ("rabbitmq", "redis"):
            assert service["build"] == "." and service["image"] == "celerylab:latest"


def test_workers_are_named_and_sized_as_the_chapters_ask_for_them():
    """lab.worker("w1", …) in a notebook uses the compose worker of that name: same queues and pool."""
    import re
    asked = {}
    for src in (ROOT / "notebooks-src").glob("*.py"):
        for m in re.finditer(r'lab\.worker\("([^"]+)", queues=\["([^"]+)"\](?:, pool="(\w+)")?'
                             r', concurrency=(\d+)\)', src.read_text(encoding="utf-8")):
            asked.setdefault(m[1], set()).add((m[2], m[3] or "prefork", int(m[4])))
    served = {}
    for service in WORKERS.values():
        c = service["command"]
        node = c[c.index("-n") + 1].removesuffix("@%h")
        served[node] = (c[c.index("-Q") + 1], c[c.index("-P") + 1], int(c[c.index("-c") + 1]))
    assert {"w1", "worker.low_priority", "worker.high_priority"} <= set(served)
    for node, spec in served.items():
        assert asked.get(node, {spec}) == {spec}, (node, asked.get(node), spec)


def test_worker_logs_are_shared_with_the_lab():
    folder = compose_local.service_env(DOC, "lab", ENV)["LABTASKS_WORKER_LOG_DIR"]
    for name, service in WORKERS.items():
        assert compose_local.service_env(DOC, name, ENV)["LABTASKS_WORKER_LOG_DIR"] == folder
        assert f"worker-logs:{folder}" in service["volumes"], name
    assert f"worker-logs:{folder}:ro" in SERVICES["lab"]["volumes"]
    assert "worker-logs" in DOC["volumes"]
    assert folder in (ROOT / "Dockerfile").read_text()  # created, owned by the image's user


def test_exactly_one_beat_with_its_state_file_on_a_volume():
    """Two beats send every periodic task twice (chapter 10): one service, one replica."""
    beats = {n: s for n, s in SERVICES.items() if s.get("command", [])[3:4] == ["beat"]}
    assert list(beats) == ["beat"], beats
    beat = beats["beat"]
    assert beat["command"][:4] == ["celery", "-A", "labtasks", "beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    state = beat["command"][beat["command"].index("-s") + 1]
    (mount,) = [v for v in beat["volumes"] if state.startswith(v.split(":")[1] + "/")]
    assert mount.split(":")[0] in DOC["volumes"]
    assert state.rsplit("/", 1)[0] in (ROOT / "Dockerfile").read_text()  # owned by the image's user
    assert not any("-B" in s.get("command", []) for s in WORKERS.values())  # no worker embeds one


def test_the_compose_beat_has_nothing_to_send():
    """The app the compose beat runs defines no beat_schedule, so it sends no task into the
    queues the notebooks count; the compose leg also checks its log after the notebooks ran."""
    proc = subprocess.run(
        [sys.executable, "-c", "import labtasks.tasks; from labtasks.app import app; "
         "print(len(app.conf.beat_schedule))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in __import__("os").environ.items()
             if not k.startswith(("CELERY_", "LABTASKS_"))})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-1] == "0"
    assert "LABTASKS_BEAT_SCHEDULE" not in compose_local.service_env(DOC, "beat", ENV)
    assert "Sending due task" in (ROOT / ".ci" / "compose_leg.sh").read_text()
