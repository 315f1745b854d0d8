"""What tests/test_stops_redis.py and tests/test_stops_rabbitmq.py both check (each file is one
broker; the two run side by side): stopping a worker loses nothing, for every pool: acks of
finished tasks, running and reserved tasks, a task held for its ETA. A test module imports them
(``from stops import *``) and gives them its ``broker`` fixture."""
import json
import os
import signal

import pytest

from labtasks import app, lab, settings
from labtasks.chapters import queues
from labtasks.tasks import add, slow_add
from labtasks.waiting import wait_until

# what a test module takes with ``from stops import *``: the tests, the fixture up, and the mark
__all__ = ["KERNEL_WORKERS_ONLY", "up",
           "test_a_killed_worker_leaves_its_message_unacknowledged_and_the_count_sees_it",
           "test_a_quick_stop_loses_no_acknowledgement",
           "test_a_stop_finishes_the_running_and_the_reserved_tasks",
           "test_a_stop_gives_back_a_task_held_for_its_eta"]

KERNEL_WORKERS_ONLY = pytest.mark.skipif(bool(settings.workers_are_external()),
                                         reason="about workers the kernel starts")


@pytest.fixture(scope="module", autouse=True)
def up(broker):
    """The lab on the module's broker, for the module's tests."""
    lab.up()
    yield
    lab.down()


def unacknowledged(queue: str) -> int:
    """Messages of ``queue`` that a consumer took and never acknowledged, once its worker is gone.
    RabbitMQ puts them back in the queue when their consumer's connection closes (so: wait until
    the queue has no consumer, then count); Redis keeps them in kombu's ``unacked`` hash (until a
    consumer restores them, an hour later), so they are counted there."""
    with app.connection_for_read() as conn:
        channel = conn.default_channel
        if conn.transport.driver_type == "amqp":
            wait_until(lambda: channel.queue_declare(queue, passive=True).consumer_count == 0, 10,
                       f"큐 {queue}의 소비자가 사라지기")
            return 0
        held = channel.client.hvals(channel.unacked_key)
        return sum(json.loads(entry)[2] == queue for entry in held)


@pytest.mark.parametrize("pool", ["solo", "prefork", "threads", "gevent"])
def test_a_quick_stop_loses_no_acknowledgement(broker, pool):
    """The idle worker's quick exit first sends the acks still queued in its event loop; a lost
    ack would put the message back in the queue (RabbitMQ requeues on disconnect)."""
    w = lab.worker(f"ack-{pool}", queues=["acks"], pool=pool, concurrency=2)
    results = [add.apply_async((i, i), queue="acks") for i in range(4)]
    assert [r.get(timeout=10) for r in results] == [0, 2, 4, 6]
    w.stop()
    assert unacknowledged("acks") == 0
    left = queues.length("acks")
    assert left == 0, f"{left} message(s) back in the queue: {w.logs(30)}"  # an ack never arrived
    # these Celery, kombu and billiard have what the quick stop reads (no fallback line)
    assert not [line for line in w.logs(200) if "quick stop skipped" in line]


def test_a_killed_worker_leaves_its_message_unacknowledged_and_the_count_sees_it(broker):
    """The count the ack test relies on can fail: a worker killed while it holds a message (a
    countdown task, taken but not yet acknowledged) never acknowledged it, and the message is
    found (RabbitMQ: back in the queue; Redis: in the unacked hash)."""
    w = lab.worker("killed", queues=["killed"], pool="solo", concurrency=1)
    held = add.apply_async((1, 2), queue="killed", countdown=60)
    wait_until(lambda: held.id in w.log_path.read_text(), 10, "워커가 ETA 태스크를 받기")
    os.killpg(w.pid, signal.SIGKILL)
    w.proc.wait(10)
    try:
        assert unacknowledged("killed") + queues.length("killed") == 1  # in this order
    finally:
        queues.purge("killed")
        if broker == "redis":  # not restored to a later consumer an hour from now
            with app.connection_for_write() as conn:
                conn.default_channel.client.delete(conn.default_channel.unacked_key)
        w.stop()


@pytest.mark.parametrize("pool", ["solo", "prefork", "threads", "gevent"])
def test_a_stop_finishes_the_running_and_the_reserved_tasks(broker, pool):
    """One task running, three prefetched and reserved when the stop comes: no quick exit but
    Celery's warm shutdown. The running one finishes; each reserved one either ran (once) or is
    back in the queue (solo and gevent run them, prefork and threads give back those the pool
    had not taken): none is lost, none runs twice."""
    w = lab.worker(f"busy-{pool}", queues=["busy"], pool=pool, concurrency=1)
    monitor = lab.monitor()  # its task-started event says when slow_add runs
    sent = [slow_add.apply_async((1, 2), {"seconds": 0.5}, queue="busy")]
    sent += [add.apply_async((i, i), queue="busy") for i in range(3)]
    wait_until(lambda: queues.length("busy") == 0, 10, "워커가 태스크 넷을 모두 가져가기")
    # the stop comes once slow_add runs (taken from the queue is not yet running: on a busy
    # machine a stop before its start gives all four back, and nothing is "running")
    monitor.wait_for(sent[0], "STARTED", timeout=10)
    w.stop()
    try:
        assert sent[0].get(timeout=5) == 3
        done = [r for r in sent if r.ready()]
        assert all(r.successful() for r in done)
        waiting = queues.length("busy", wait_for=4 - len(done), timeout=3)
        ran = [line for line in w.logs(400) if "succeeded in" in line]
        seen = f"done {len(done)}, waiting {waiting}, unacknowledged {unacknowledged('busy')}: {ran}"
        assert waiting == 4 - len(done), seen
        assert len(ran) == len(done), seen  # none twice
    finally:
        queues.purge("busy")


@pytest.mark.parametrize("pool", ["solo", "prefork", "threads", "gevent"])
def test_a_stop_gives_back_a_task_held_for_its_eta(broker, pool):
    """A worker holds a countdown task, unacknowledged, until it is due. Stopped before that, it
    must give the message back (the embedded Redis would hide it for an hour): no quick exit."""
    w = lab.worker(f"eta-{pool}", queues=["eta"], pool=pool, concurrency=1)
    held = add.apply_async((1, 2), queue="eta", countdown=60)
    wait_until(lambda: held.id in w.log_path.read_text(), 10, "워커가 ETA 태스크를 받기")
    w.stop()
    try:
        assert queues.length("eta") == 1
    finally:
        queues.purge("eta")
