"""The event monitor sees a real worker's task events, and stops quickly.

``lab.up()`` exports the broker URL; the module restores the environment afterwards, so that
the kernels nbval starts later in the same pytest run do not inherit a stopped broker."""
import sys
import time

import pytest

from labtasks import app, lab, monitor, settings
from labtasks.chapters import views
from labtasks.tasks import add
from labtasks.waiting import wait_until


@pytest.fixture(scope="module")
def mon():
    lab.up()
    m = lab.monitor()
    lab.worker("mon1", queues=["celery"], concurrency=1)
    yield m
    lab.down()


def test_sees_received_started_succeeded(mon):
    assert mon.ready
    res = add.delay(20, 22)
    record = mon.wait_for(res, "SUCCESS", timeout=15)
    assert record.state == "SUCCESS"
    assert record.name == "labtasks.tasks.basics.add"
    assert record.worker.startswith("mon1@")
    assert record.sent and record.received and record.started and record.succeeded
    # (task-sent is published just after the message, so it may carry a later time than received)
    assert record.received <= record.started <= record.succeeded
    assert record.result == "42"
    assert res.get(timeout=5) == 42


def test_tasks_filters_table_and_timeline(mon):
    since = time.time()
    results = [add.delay(i, i) for i in range(3)]
    mon.wait_all(results, timeout=15)
    seen = mon.tasks(since=since)
    assert [r.id for r in seen] == [r.id for r in results]  # oldest first, in send order
    assert mon.tasks(ids=results[:1])[0].id == results[0].id
    assert mon.tasks(since=since, names="nothing") == []
    text = repr(views.table(mon, ids=results))
    assert text.count("SUCCESS") == 3 and "mon1@" in text
    assert "<table>" in views.table(mon, ids=results)._repr_html_()
    fig = views.timeline(mon, ids=results)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["mon1"]


QUIET_APP = """
import os
from celery import Celery
app = Celery("quiet", broker=os.environ["CELERY_BROKER_URL"],
             backend=os.environ["CELERY_RESULT_BACKEND"])
app.conf.update(worker_send_task_events=False, accept_content=["json"])

@app.task(name="quiet_add")
def quiet_add(x, y):
    return x + y
"""


def test_switches_events_on_for_a_worker_started_without_them(mon, tmp_path):
    """A worker without -E sends no task events until the monitor's next enable_events."""
    import socket

    from labtasks import procs, settings
    from labtasks.workers import ping

    (tmp_path / "quietapp.py").write_text(QUIET_APP)
    mon.enable_every = 3600.0  # no enable_events broadcast from now on, until the test asks
    mon._next_enable = time.monotonic() + 3600.0
    node = f"quiet@{socket.gethostname()}"
    proc = procs.spawn(
        [sys.executable, "-m", "celery", "-A", "quietapp", "worker", "-P", "solo", "-Q", "quiet",
         "-n", "quiet@%h", "--without-mingle", "--without-gossip", "-l", "INFO"],
        log=tmp_path / "quiet.log", kind="worker", name="quiet",
        env=dict(settings.child_env(), PYTHONPATH=str(tmp_path)))
    try:
        def answers():
            assert proc.poll() is None, (tmp_path / "quiet.log").read_text()
            return ping(node, 1.0)
        wait_until(answers, 30, "quiet 워커의 ping 응답")
        quiet = app.send_task("quiet_add", (1, 1), queue="quiet")
        assert quiet.get(timeout=15) == 2
        assert mon.start(5).ready  # a probe sent after the task came back: events are flowing
        assert mon.task(quiet.id).started is None  # only the caller's task-sent was seen
        mon.enable_every = 0.2
        mon._next_enable = 0.0

        def a_loud_task():  # until the broadcast has reached the worker: its task is seen running
            loud = app.send_task("quiet_add", (2, 2), queue="quiet")
            assert loud.get(timeout=15) == 4
            mon.start(5)  # a probe sent after the task came back: its events, if any, are in
            record = mon.task(loud.id)
            return record if record.started is not None else None
        record = wait_until(a_loud_task, 15, "워커가 태스크 이벤트를 보내기 시작")
        assert record.state == "SUCCESS" and record.worker == node
    finally:
        mon.enable_every, mon._next_enable = monitor.ENABLE_EVENTS_EVERY, 0.0
        procs.stop(proc)


def test_wait_for_times_out_with_a_korean_message(mon):
    with pytest.raises(TimeoutError, match="이르지 못했습니다"):
        mon.wait_for("no-such-task", timeout=0.3)


def test_start_is_idempotent_and_stop_is_quick(mon):
    assert lab.monitor() is mon
    assert mon.stop(timeout=5) is True  # bounded: POLL is 0.25 s
    assert not mon.running()
    again = lab.monitor()  # started again, listening where the lab is
    assert again is mon and again.ready
    res = add.delay(1, 1)
    assert again.wait_for(res, timeout=15).state == "SUCCESS"


def test_lab_down_stops_the_monitor():
    lab.up()
    m = lab.monitor()
    assert m.running()
    lab.down()
    assert not m.running() and lab.started.monitor is None


@pytest.mark.skipif(bool(settings.broker_from_env()), reason="restarts the embedded Redis")
def test_reconnects_after_the_broker_restarts():
    lab.up()
    try:
        m = lab.monitor()
        first = m.connects
        lab.started.redis.stop()  # the broker goes away under the running monitor
        wait_until(lambda: not m.ready, 10, "모니터가 끊김을 알아차리기")
        assert m.running()
        lab.started.redis.start()
        wait_until(lambda: m.ready and m.connects > first, 20, f"모니터 재연결 ({m.last_error})")
        lab.worker("mon2", queues=["celery"], concurrency=1)
        assert m.wait_for(add.delay(2, 3), timeout=15).state == "SUCCESS"
    finally:
        lab.down()
