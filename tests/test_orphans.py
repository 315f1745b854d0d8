"""Nothing a kernel started outlives it: kernel SIGKILL, kernel restart, lab.down(), the reaper."""
import json
import os
import signal
import subprocess
import tempfile
import time

from conftest import Kernel, group_members, wait_gone

START = """
import json
from labtasks import lab
lab.up()
w = lab.worker("orphan-check", pool="prefork", concurrency=2)
b = lab.beat({"tick": {"task": "labtasks.tasks.periodic.tick", "schedule": 30.0}})
assert lab.beat({"tick": {"task": "labtasks.tasks.periodic.tick", "schedule": 30.0}}) is b
print(json.dumps([p["pid"] for p in lab.processes()]))
"""


def _everything_started(kernel: Kernel) -> list[int]:
    """The kernel's Redis, its worker, the worker's pool children and its beat."""
    leaders = json.loads(kernel.run(START).strip().splitlines()[-1])
    pids = [member for leader in leaders for member in group_members(leader)]
    assert len(pids) == 5, pids  # redis + worker + two prefork children + beat
    return pids


def test_no_orphan_after_the_kernel_is_killed(kernel):
    pids = _everything_started(kernel)
    os.kill(kernel.pid, signal.SIGKILL)
    assert wait_gone(pids) == []


def test_no_orphan_after_a_kernel_restart(kernel):
    pids = _everything_started(kernel)
    kernel.km.restart_kernel(now=False)  # graceful: the kernel's atexit hook runs lab.down()
    assert wait_gone(pids) == []
    kernel.kc.wait_for_ready(timeout=60)
    pids = _everything_started(kernel)  # the new kernel starts afresh
    kernel.km.restart_kernel(now=True)  # forced: the parent-death signal does it
    assert wait_gone(pids) == []


def test_lab_down_stops_everything(kernel):
    pids = _everything_started(kernel)
    kernel.run("lab.down(); lab.down()")
    assert wait_gone(pids) == []


def test_the_reaper_kills_what_a_dead_kernel_left_and_spares_a_reused_pid(tmp_path, monkeypatch):
    from labtasks import procs, settings
    # a runtime folder of this test's own: the reapers of tests running beside it never see the
    # dead kernel's folder this test makes (and so cannot reap it first)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no longer runs: the "dead kernel"
    folder = settings.runtime_root() / f"{dead.pid}-1"  # pid-starttime of a process that is gone
    folder.mkdir(parents=True, exist_ok=True)
    settings.make_run_dir()
    leftover = subprocess.Popen(["sleep", "60"], start_new_session=True)
    stranger = subprocess.Popen(["sleep", "60"], start_new_session=True)
    time.sleep(0.05)
    (folder / "children.txt").write_text(
        f"{settings.incarnation(leftover.pid)} worker left\n"
        f"{stranger.pid}-1 worker reused-pid\n")  # same pid, other start time: not ours
    try:
        killed = procs.reap()
        assert any(f"pid {leftover.pid}" in line for line in killed)
        assert leftover.wait(5) == -signal.SIGKILL
        assert stranger.poll() is None and not folder.exists()
        assert settings.run_dir().exists()  # the living's folders stay
    finally:
        stranger.kill()
        stranger.wait()
