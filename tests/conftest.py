"""Shared helpers: run code in a fresh Python process or a real Jupyter kernel, with a clean env.

Most tests run the lab in a fresh process. The few that call ``lab.up()`` in the pytest process
itself (test_workers, test_monitor, test_durability) call ``lab.down()`` when their module ends:
``up()`` exports the broker URL, which every kernel nbval starts afterwards would inherit, and
``down()`` takes it back. ``_lab_gives_back_the_environment`` checks that after every module.
"""
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def _lab_gives_back_the_environment():
    names = ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
    before = {name: os.environ.get(name) for name in names}
    yield
    after = {name: os.environ.get(name) for name in names}
    assert after == before, "this module left lab.up()'s broker and backend in the environment"


def clean_env(**extra) -> dict:
    """This process's environment without any Celery or lab settings: the embedded default."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CELERY_", "LABTASKS_"))}
    env.update(extra)
    return env


def run_python(code: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``code`` in a new interpreter; fail the test with its output if it fails."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env=env or clean_env(), cwd=ROOT)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def last_json(proc: subprocess.CompletedProcess):
    return json.loads(proc.stdout.strip().splitlines()[-1])


def alive(pid: int) -> bool:
    from labtasks.procs import alive as _alive
    return _alive(pid)


def group_members(pgid: int) -> list[int]:
    """Pids of live processes in process group ``pgid`` (a worker and its pool children)."""
    members = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                members.append(proc.pid)
        except (psutil.Error, ProcessLookupError):
            continue
    return members


def wait_gone(pids, within: float = 10.0) -> list[int]:
    """Wait until every pid is gone; return the ones still alive after ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


@pytest.fixture(scope="module", autouse=True)
def restore_env():
    """Undo what an in-process ``lab.up()`` exports, for the kernels started later in the run."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("CELERY_")}
    yield
    for key in [k for k in os.environ if k.startswith("CELERY_")]:
        del os.environ[key]
    os.environ.update(saved)


@pytest.fixture(scope="module", autouse=True)
def lab_app_current_again():
    """A learner's project imported in-process (test_exercises_ch12, test_project) makes its own
    Celery app the current one; a later module's crontab or bare AsyncResult expects the lab's."""
    yield
    from labtasks import app
    app.set_current()


class Kernel:
    """A real IPython kernel (jupyter_client), as JupyterLab or nbval would start it."""

    def __init__(self):
        from jupyter_client import KernelManager
        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(env=clean_env(), cwd=str(ROOT))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    @property
    def pid(self) -> int:
        return self.km.provisioner.process.pid

    def run(self, code: str, timeout: float = 60) -> str:
        """Execute ``code``; return its stdout; raise if the cell raised."""
        out, errors = [], []

        def hook(msg):
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                errors.append("\n".join(content["traceback"]))

        self.kc.execute_interactive(textwrap.dedent(code), output_hook=hook, timeout=timeout)
        assert not errors, errors[0]
        return "".join(out)

    def close(self):
        self.kc.stop_channels()
        if self.km.has_kernel:
            self.km.shutdown_kernel(now=True)


@pytest.fixture
def kernel():
    k = Kernel()
    yield k
    k.close()


@pytest.fixture(scope="module")
def lab_w1():
    """For one test file: the lab, worker w1 on the celery queue (prefork, 2) and the monitor."""
    from labtasks import lab
    lab.up()
    lab.worker("w1", queues=["celery"], concurrency=2)
    lab.monitor()
    yield lab
    lab.down()


@pytest.fixture
def impatient(monkeypatch):
    """A check waits 3 s, not 10, for a task of the answer: for wrong answers whose task never runs
    (sent to a queue nobody reads), so that their Korean hint comes sooner; right answers keep 10 s."""
    from labtasks import checks
    monkeypatch.setattr(checks, "PATIENCE", 3.0)
