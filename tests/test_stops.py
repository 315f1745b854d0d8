"""Stopping a worker loses nothing, on the embedded Redis and on RabbitMQ (a vhost of its own),
for every pool: acks of finished tasks, running and reserved tasks, a task held for its ETA; and
the quick stop falls back to Celery's own warm shutdown when the internals it reads are missing."""
import os
import signal
import subprocess
import sys

import pytest

from labtasks import lab, procs, readiness, settings
from labtasks.app import forget_connections
from labtasks.chapters import queues
from labtasks.tasks import add, slow_add
from labtasks.waiting import wait_until
from labtasks.workers import checked_spec

pytestmark = pytest.mark.skipif(bool(settings.workers_are_external()),
                                reason="about workers the kernel starts")


@pytest.fixture(scope="module", autouse=True)
def up():
    lab.up()
    yield
    lab.down()


@pytest.fixture(scope="module", params=["redis", "rabbitmq"])
def broker(request, up):
    """The lab's embedded Redis, or the machine's RabbitMQ (a vhost of its own) with a Redis
    result backend."""
    if request.param == "redis":
        yield "redis"
        return
    pytest.importorskip("amqp")
    vhost = f"h-machinery-{os.getpid()}"  # apart from any other run on this machine
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True)
    made = subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], capture_output=True)
    if made.returncode != 0:
        pytest.skip("no RabbitMQ on this machine")
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
                   check=True)
    lab.down()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CELERY_BROKER_URL", f"amqp://guest:guest@127.0.0.1:5672/{vhost}")
        env.setenv("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/11")
        forget_connections()
        lab.up()
        yield "rabbitmq"
        lab.down()
    forget_connections()
    lab.up()  # the module's embedded Redis again
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True)


@pytest.mark.parametrize("pool", ["solo", "prefork", "threads", "gevent"])
def test_a_quick_stop_loses_no_acknowledgement(broker, pool):
    """The idle worker's quick exit first sends the acks still queued in its event loop; a lost
    ack would put the message back in the queue (RabbitMQ requeues on disconnect)."""
    w = lab.worker(f"ack-{pool}", queues=["acks"], pool=pool, concurrency=2)
    results = [add.apply_async((i, i), queue="acks") for i in range(4)]
    assert [r.get(timeout=10) for r in results] == [0, 2, 4, 6]
    w.stop()
    assert queues.length("acks", wait_for=1, timeout=2) == 0
    # these Celery, kombu and billiard have what the quick stop reads (no fallback line)
    assert not [line for line in w.logs(200) if "quick stop skipped" in line]


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
        assert queues.length("busy", wait_for=4 - len(done), timeout=3) == 4 - len(done)
        ran = [line for line in w.logs(400) if "succeeded in" in line]
        assert len(ran) == len(done), ran  # none twice
    finally:
        queues.purge("busy")


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
