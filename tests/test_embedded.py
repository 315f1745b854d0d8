"""The embedded Redis: starts on a private unix socket, stops, and leaves the machine's Redis alone."""
import socket
import subprocess
import sys

from conftest import clean_env, last_json, run_python, wait_gone

UP_DOWN = """
import json, os, stat
from labtasks import lab, settings
from labtasks.tasks import add
status = lab.up()
pid = lab.processes()[0]["pid"]
sock = settings.EMBEDDED_ADDRESS[1]
info = {"url": settings.BROKER_URL, "backend": settings.RESULT_BACKEND, "pid": pid,
        "dir_mode": oct(stat.S_IMODE(os.stat(settings.run_dir()).st_mode)),
        "ready": status.ready, "check": lab.check().ok}
lab.worker("w1")
info["result"] = add.delay(20, 22).get(timeout=10)
lab.down(); lab.down()  # twice is harmless
info["after_down"] = lab.processes()
info["socket_left"] = os.path.exists(sock)
print(json.dumps(info))
"""


def test_embedded_redis_starts_on_a_private_socket_and_stops():
    info = last_json(run_python(UP_DOWN))
    assert info["url"].startswith("redis+socket://") and info["url"].endswith("/redis.sock")
    assert info["backend"] == info["url"]
    assert info["dir_mode"] == "0o700"
    assert info["ready"] and info["check"]
    assert info["result"] == 42
    assert info["after_down"] == [] and not info["socket_left"]
    assert wait_gone([info["pid"]]) == []


def test_two_labs_in_two_processes_do_not_collide():
    procs = [subprocess.Popen([sys.executable, "-c", UP_DOWN], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env()) for _ in range(2)]
    outs = [p.communicate(timeout=90) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    first, second = (__import__("json").loads(o[0].strip().splitlines()[-1]) for o in outs)
    assert first["url"] != second["url"]
    assert first["result"] == second["result"] == 42


def _machine_redis():
    """A client for the machine's own Redis on 6379, or None when there is none (a laptop)."""
    import redis
    client = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1)
    try:
        client.ping()
        return client
    except redis.RedisError:
        return None


def test_the_machines_own_redis_is_untouched():
    client = _machine_redis()
    if client is None:
        run_python(UP_DOWN)
        with socket.socket() as s:  # nothing of ours answered on 6379
            assert s.connect_ex(("127.0.0.1", 6379)) != 0
        return
    client.set("labtasks:test:sentinel", "mine")
    before = client.info("server")["run_id"], client.dbsize()
    info = last_json(run_python(UP_DOWN))
    assert "6379" not in info["url"]
    assert (client.info("server")["run_id"], client.dbsize()) == before
    assert client.get("labtasks:test:sentinel") == b"mine"
    client.delete("labtasks:test:sentinel")


def test_unix_socket_permissions_are_owner_only():
    info = last_json(run_python("""
        import json, os, stat
        from labtasks import lab, settings
        lab.up()
        mode = stat.S_IMODE(os.stat(settings.EMBEDDED_ADDRESS[1]).st_mode)
        lab.down()
        print(json.dumps(oct(mode)))
    """))
    assert info == "0o700"
