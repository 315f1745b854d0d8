"""`python -m labtasks up|status|down`, and external-worker mode against the workers `up` started."""
import re
import subprocess
import sys
import time

from conftest import ROOT, clean_env, run_python, wait_gone


def _start_up(*args) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "labtasks", "up", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=clean_env())
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "Ctrl-C" in line or proc.poll() is not None:
            break
    text = "".join(lines)
    url = re.search(r"export CELERY_BROKER_URL=(\S+)", text)
    assert url, text
    return proc, url.group(1)


def test_up_status_external_mode_and_down():
    up, url = _start_up("--worker", "cli-w:celery,hi")
    try:
        env = clean_env(CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url)
        status = subprocess.run([sys.executable, "-m", "labtasks", "status"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        assert re.search(r"cli-w@\S+: celery, hi", status.stdout), status.stdout

        # LABTASKS_WORKERS=external: lab.worker() uses the running worker of that name
        out = run_python("""
            from labtasks import lab
            from labtasks.tasks import add
            w = lab.worker("cli-w", queues=["hi"])
            print("FOUND", w.nodename.split("@")[0], w.state(), w.spec.queues)
            print("SUM", add.delay(2, 3).get(timeout=10))
            print("STARTED", lab.processes())
        """, env=dict(env, LABTASKS_WORKERS="external")).stdout
        assert "FOUND cli-w 실행 중 (외부 워커) ('celery', 'hi')" in out, out
        assert "SUM 5" in out and "STARTED []" in out
    finally:
        down = subprocess.run([sys.executable, "-m", "labtasks", "down"], cwd=ROOT,
                              env=clean_env(), capture_output=True, text=True, timeout=60)
        try:
            assert up.wait(30) == 0, down.stdout + down.stderr
        finally:
            up.kill()  # a failed test leaves nothing running (its children die with it)
    assert wait_gone([up.pid]) == []
