"""Kernel-backed workers: ready on return, idempotent by name, logs, stop, and a clear error."""
import os
import signal

import psutil
import pytest

from conftest import group_members, wait_gone
from labtasks import lab, settings
from labtasks.errors import LabError
from labtasks.tasks import add

pytestmark = pytest.mark.skipif(bool(settings.workers_are_external()),
                                reason="about workers the kernel starts")


@pytest.fixture(scope="module", autouse=True)
def up():
    lab.up()
    yield
    lab.down()


def test_worker_start_is_idempotent_and_stop_and_logs_work():
    w = lab.worker("w1", concurrency=2)
    assert lab.worker("w1", concurrency=2) is w
    assert add.delay(1, 2).get(timeout=10) == 3
    group = group_members(w.pid)
    assert len(group) == 3  # the worker and its two prefork children
    assert any(line.endswith(" ready.") for line in w.logs(50)) and len(w.logs(2)) == 2
    changed = lab.worker("w1", concurrency=1)
    assert changed is not w and not w.alive()
    new_group = group_members(changed.pid)
    assert len(new_group) == 2
    changed.stop()
    assert not changed.alive()
    assert "w1" in repr(lab.workers()) and "멈춤" in repr(lab.workers())
    assert wait_gone(group + new_group) == []


def test_a_worker_that_cannot_start_gives_a_korean_error_with_its_log():
    with pytest.raises(LabError) as raised:
        lab.worker("broken", pool="no-such-pool")
    assert "워커 broken이(가) 시작하다 종료되었습니다" in str(raised.value)
    assert "no-such-pool" in str(raised.value)  # the worker's own complaint, from its log


def test_worker_output_goes_to_its_log_not_to_the_caller(capfd):
    w = lab.worker("quiet")
    add.delay(1, 1).get(timeout=10)
    out, err = capfd.readouterr()
    assert "ready." not in out + err
    assert len(w.logs(500)) > 5


def test_a_worker_sees_the_environment_of_the_moment_it_starts():
    """No fork server: a worker started after an environment change sees it."""
    os.environ["LABTASKS_PROBE"] = "fresh"
    try:
        w = lab.worker("envcheck", queues=["envcheck"], concurrency=1)
        assert psutil.Process(w.pid).environ().get("LABTASKS_PROBE") == "fresh"
    finally:
        os.environ.pop("LABTASKS_PROBE")


def test_a_killed_worker_is_seen_as_dead_and_restarted_by_name():
    w = lab.worker("victim", queues=["victim"], concurrency=1)
    os.killpg(w.pid, signal.SIGKILL)
    w.proc.wait(10)
    assert not w.alive()
    again = lab.worker("victim", queues=["victim"], concurrency=1)
    assert again.alive() and again.pid != w.pid  # the same name, started anew


@pytest.mark.parametrize("kwargs, says", [
    ({"name": "w", "queues": []}, "큐 목록"),
    ({"name": "w", "queues": ["celery", ""]}, "큐 목록"),
    ({"name": "w", "concurrency": 0}, "동시성 0"),
    ({"name": "w", "concurrency": -1}, "동시성 -1"),
    ({"name": "w", "concurrency": "2"}, "동시성 '2'"),
    ({"name": "a b@c"}, "워커 이름 'a b@c'"),
    ({"name": "a@c"}, "워커 이름 'a@c'"),
    ({"name": ""}, "워커 이름 ''"),
], ids=["no-queue", "empty-queue-name", "concurrency-0", "negative", "a-string", "space", "at",
        "empty-name"])
def test_bad_worker_settings_get_a_korean_error_before_anything_starts(kwargs, says):
    before = {p["name"] for p in lab.processes()}
    with pytest.raises(LabError, match=says):
        lab.worker(**kwargs)
    assert {p["name"] for p in lab.processes()} == before  # nothing was started
    assert kwargs["name"] not in lab.started.workers
