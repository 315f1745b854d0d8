"""lab.flower(): a real Flower, started from a fresh interpreter as a kernel would start it.

Each scenario runs in its own Python process (never ``lab.up()`` inside pytest itself), prints a
JSON line, and the test checks it; processes are checked by PID afterwards.
"""
import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import requests
from labserver import ROOT, clean_env, jupyter

from conftest import wait_gone

SETUP = """
import json, os, psutil, requests
from labtasks import lab
from labtasks.chapters.flower import wait_for_task, wait_for_worker
from labtasks.tasks import add
lab.up()
w = lab.worker("fl1")
"""


def run(code: str, env: dict | None = None, timeout: float = 90) -> dict:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(SETUP) + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env=env or clean_env())
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def gone(pid: int, within: float = 10.0) -> bool:
    return wait_gone([pid], within) == []


def test_flower_is_idempotent_protected_and_its_api_sends_tasks():
    out = run("""
        f = lab.flower()
        same = lab.flower() is f
        cmdline = " ".join(psutil.Process(f.pid).cmdline())
        anonymous = requests.get(f.local_url + "api/workers", timeout=5)
        wrong = requests.get(f.local_url + "api/workers", auth=("lab", "wrong"), timeout=5)
        worker = wait_for_worker(f, w.nodename)
        sent = f.api("task/async-apply/labtasks.tasks.basics.add", method="POST",
                     json={"args": [20, 22]})
        info = wait_for_task(f, sent["task-id"])
        from labtasks import app  # not a bare AsyncResult: the current app may be another one
        result = app.AsyncResult(sent["task-id"]).get(timeout=10)
        page = requests.get(f.local_url, auth=f.auth, timeout=5)
        pid = f.pid
        lab.down()
        print(json.dumps(dict(same=same, password_in_cmdline=f.password in cmdline,
            cmdline=cmdline, anonymous=anonymous.status_code, wrong=wrong.status_code,
            anonymous_text=anonymous.text, queues=[q["name"] for q in worker["active_queues"]],
            info=info, result=result, page=page.status_code, alive_after_down=f.alive(),
            pid=pid, url=f.url, local_url=f.local_url)))
    """)
    assert out["same"]
    assert "--address=127.0.0.1" in out["cmdline"]
    assert not out["password_in_cmdline"], "the password must not show in `ps`"
    assert out["anonymous"] == 401 and "FLOWER_UNAUTHENTICATED_API" not in out["anonymous_text"]
    assert out["wrong"] == 401
    assert out["queues"] == ["celery"]
    assert out["info"]["state"] == "SUCCESS" and out["info"]["worker"].startswith("fl1@")
    assert out["info"]["result"] == "42" and out["result"] == 42
    assert out["page"] == 200
    assert out["url"] == out["local_url"] and out["url"].startswith("http://127.0.0.1:")
    assert not out["alive_after_down"] and gone(out["pid"])


def test_flower_dies_with_a_killed_kernel():
    code = textwrap.dedent(SETUP) + textwrap.dedent("""
        import sys, time
        f = lab.flower()
        print(f.pid, flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env=clean_env())
    try:
        pid = int(proc.stdout.readline())
        assert not gone(pid, within=0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert gone(pid), "Flower outlived the kernel that started it"


def test_behind_jupyter_server_proxy_flower_and_its_static_files_load(tmp_path):
    """The /proxy/absolute/<port>/ route with the matching --url_prefix: pages AND static files."""
    env = clean_env(LABTASKS_FLOWER_PROXY="on")
    code = """
        import sys, time
        f = lab.flower()
        print(json.dumps(dict(url=f.url, local_url=f.local_url, port=f.port, user=f.auth[0],
                              password=f.password, pid=f.pid)), flush=True)
        sys.stdin.readline()
        lab.down()
        print(json.dumps({}))
    """
    kernel = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SETUP) + textwrap.dedent(code)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                              env=env)
    try:
        line = kernel.stdout.readline()
        assert line, "the kernel process failed to start Flower"
        fl = json.loads(line)
        port = fl["port"]
        assert fl["url"] == f"/proxy/absolute/{port}/"
        assert fl["local_url"] == f"http://127.0.0.1:{port}/proxy/absolute/{port}/"
        auth = (fl["user"], fl["password"])
        with jupyter(tmp_path) as server:
            # Jupyter's token in the query, Flower's basic auth in the header
            page = server.get(fl["url"] + "workers", auth=auth)
            assert page.status_code == 200, page.text[:500]
            assert "fl1@" in server.get(fl["url"] + "api/workers?refresh=1", auth=auth).text
            static = [p for p in _static_paths(page.text) if p.endswith((".css", ".js"))]
            assert static, page.text[:2000]
            for path in static:
                assert path.startswith(f"/proxy/absolute/{port}/static/"), path
                reply = server.get(path, auth=auth)
                assert reply.status_code == 200, (path, reply.status_code)
            # the same prefix through plain /proxy/<port>/ loses the prefix: this is why not
            assert server.get(f"/proxy/{port}/workers", auth=auth).status_code == 404
            # and without Jupyter's token the proxy refuses
            refused = requests.get(server.url + fl["url"][1:], auth=auth, timeout=5,
                                   allow_redirects=False)
            assert refused.status_code in (302, 401, 403) and "Flower" not in refused.text
        kernel.stdin.write("\n")
        kernel.stdin.flush()
        assert kernel.wait(30) == 0
        assert gone(fl["pid"])
    finally:
        if kernel.poll() is None:
            kernel.kill()
            kernel.wait(10)


def _static_paths(html: str) -> list[str]:
    import re
    return re.findall(r"""(?:href|src)=["']([^"']+/static/[^"'?]+)""", html)


def test_binder_launcher_entry_starts_flower_with_a_korean_title(tmp_path):
    """Through binder/start: its shared Redis, and the named server entry (absolute_url) that puts
    Flower in the JupyterLab launcher."""
    env = clean_env(TMPDIR=str(tmp_path))
    env.pop("JUPYTER_CONFIG_PATH", None)
    try:
        with jupyter(tmp_path, env=env, wrapper=[ROOT / "binder" / "start"]) as server:
            info = server.get("server-proxy/servers-info").json()
            entry = next(s for s in info["server_processes"] if s["name"] == "flower")
            assert entry["launcher_entry"]["title"] == "Flower 모니터링"
            assert entry["launcher_entry"]["enabled"]
            page = server.get("flower/")  # jupyter-server-proxy starts Flower on first visit
            assert page.status_code == 200, page.text[:500]
            assert "Flower" in page.text
            static = [p for p in _static_paths(page.text) if p.endswith(".css")]
            assert static and all(p.startswith("/flower/static/") for p in static), static
            assert all(server.get(p).status_code == 200 for p in static)
            broker = _wait_for_line(tmp_path / "labtasks-up.log", "export CELERY_BROKER_URL=", 5)
            # start's own Redis on a private socket (under TMPDIR, or /tmp when that path is long)
            assert broker.startswith("redis+socket://") and "/labtasks-" in broker
    finally:  # the server's SIGTERM reached `labtasks up` too; this is the safety net
        down = subprocess.run([sys.executable, "-m", "labtasks", "down"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert "정리함" not in down.stdout, down.stdout


def _wait_for_line(path: Path, prefix: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text().splitlines():
                if line.strip().startswith(prefix):
                    return line.strip()[len(prefix):]
        time.sleep(0.1)
    raise AssertionError(f"no {prefix!r} in {path} within {timeout} s")
