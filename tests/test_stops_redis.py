"""Stopping a worker loses nothing on the embedded Redis, for every pool (the tests are in
tests/stops.py); and the quick stop falls back to Celery's own warm shutdown when the internals it
reads are missing."""
import signal
import subprocess
import sys

import pytest
from stops import *  # noqa: F403 - the shared tests, the fixture up, KERNEL_WORKERS_ONLY

from labtasks import procs, readiness, settings
from labtasks.chapters import queues
from labtasks.tasks import add
from labtasks.waiting import wait_until
from labtasks.workers import checked_spec

pytestmark = KERNEL_WORKERS_ONLY  # noqa: F405


@pytest.fixture(scope="module")
def broker():
    yield "redis"


def test_without_the_internals_it_needs_the_quick_stop_falls_back_to_celerys_own(tmp_path):
    """A real worker told, in its own process, that an internal the quick stop reads is missing
    (Celery's own shutdown needs the real ones, so they cannot be deleted): it says so in its log
    and stops by Celery's own warm shutdown, its task done and acknowledged."""
    ready, log = tmp_path / "w.ready", tmp_path / "w.log"
    code = ("import sys\nimport labtasks.prompt_stop as quick\nfound = quick.missing_internals\n"
            "quick.missing_internals = lambda worker: [*found(worker), '_stop_task_handler']\n"
            "from labtasks.worker_main import main\nmain(sys.argv[1:])\n")
    spec = checked_spec("fallback", ["fallback"], "prefork", 2)
    env = dict(settings.child_env(), **{readiness.ENV: str(ready)})
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code, *spec.args()], env=env, stdout=out,
                                stderr=subprocess.STDOUT, process_group=0)
    try:
        wait_until(lambda: ready.exists() or proc.poll() is not None, 30, "워커 준비")
        assert add.apply_async((2, 2), queue="fallback").get(timeout=10) == 4
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        procs.stop(proc)
    text = log.read_text()
    assert "labtasks quick stop skipped" in text and "_stop_task_handler" in text, text[-2000:]
    assert queues.length("fallback", wait_for=1, timeout=2) == 0
