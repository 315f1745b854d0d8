"""docker-compose.yml and Dockerfile: valid Compose, and the rules issue 5 sets for the stack.

There is no docker engine here. The services' commands are run for real by the compose CI leg
(.ci/compose_leg.sh); these tests check the file itself.
"""
import copy
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
ENV = {"FLOWER_PASSWORD": "x", "JUPYTER_TOKEN": "y"}


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


def test_flower_password_comes_from_the_environment_never_from_the_file():
    raw = SERVICES["flower"]["environment"]["FLOWER_BASIC_AUTH"]
    assert "${FLOWER_PASSWORD:?" in raw
    with pytest.raises(ValueError, match="FLOWER_PASSWORD"):
        compose_local.service_env(DOC, "flower", {})
    assert compose_local.service_env(DOC, "flower", ENV)["FLOWER_BASIC_AUTH"] == "lab:x"
    example = (ROOT / ".env.example").read_text()
    assert "FLOWER_PASSWORD=\n" in example  # a slot to fill in, not a password
    assert ".env" in (ROOT / ".gitignore").read_text().split()


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
    assert "pip install -r requirements.txt" in text
    assert "USER lab" in text
    for name, service in SERVICES.items():
        if name not in ("rabbitmq", "redis"):
            assert service["build"] == "." and service["image"] == "celerylab:latest"


def test_workers_are_named_and_sized_as_the_chapters_ask_for_them():
    """lab.worker("w1", …) in a notebook uses the compose worker of that name: same queues and pool."""
    import re
    asked = {}
    for src in (ROOT / "notebooks" / "src").glob("*.py"):
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
