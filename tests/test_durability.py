"""Durability on the guide's stack, with servers this test starts and owns (own ports and data
folders, never the machine's shared services): a private RabbitMQ node as the broker and a private
redis-server with ``appendonly yes`` as the result backend.

100 tasks are sent with no worker running, the broker is restarted, then a worker starts: every
task runs exactly once. Redis is restarted: every stored result is still there. The figures are
printed (``-s`` or the summary)."""
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis
from kombu import Connection

from labtasks import lab, procs, settings
from labtasks.app import forget_connections
from labtasks.chapters import queues
from labtasks.tasks import add
from labtasks.waiting import wait_until

pytestmark = pytest.mark.skipif(bool(settings.workers_are_external()),
                                reason="about workers the kernel starts")
RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")  # the scripts themselves: /usr/sbin's wrapper su's
N = 100


def _rabbit_tool(name: str) -> str | None:
    path = RABBIT_BIN / name
    return str(path) if path.exists() else shutil.which(name)


class PrivateRabbit:
    """A RabbitMQ node of its own: own node name, ports, Mnesia and log folders, Erlang cookie."""

    def __init__(self, folder: Path):
        self.node = f"labtasks-test-{os.getpid()}@localhost"
        self.port = procs.free_port()
        self.env = dict(os.environ, HOME=str(folder), RABBITMQ_NODENAME=self.node,
                        RABBITMQ_NODE_PORT=str(self.port),
                        RABBITMQ_MNESIA_BASE=str(folder / "mnesia"),
                        RABBITMQ_LOG_BASE=str(folder / "log"),
                        RABBITMQ_PID_FILE=str(folder / "rabbit.pid"),
                        RABBITMQ_ENABLED_PLUGINS_FILE=str(folder / "enabled_plugins"),
                        RABBITMQ_CONFIG_FILE=str(folder / "rabbitmq"),
                        ERL_CRASH_DUMP=str(folder / "erl_crash.dump"))
        (folder / "enabled_plugins").write_text("[].\n")
        self.log = folder / "server.out"
        self.proc: subprocess.Popen | None = None
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def start(self) -> float:
        began = time.monotonic()
        # a fresh Erlang distribution port each time: the last one may still be in TIME_WAIT
        self.env["RABBITMQ_DIST_PORT"] = str(procs.free_port())
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([_rabbit_tool("rabbitmq-server")], env=self.env,
                                         stdout=out, stderr=subprocess.STDOUT, process_group=0)
        wait_until(self._accepts, 90, "RabbitMQ 노드 시작", interval=0.5)
        return time.monotonic() - began

    def _accepts(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError("RabbitMQ exited:\n" + self.log.read_text()[-3000:])
        try:
            with Connection(self.url, connect_timeout=1) as conn:
                conn.ensure_connection(max_retries=1)
            return True
        except Exception:  # not listening yet
            return False

    def stop(self) -> None:
        if self.proc is None:
            return
        subprocess.run([_rabbit_tool("rabbitmqctl"), "-n", self.node, "stop"], env=self.env,
                       capture_output=True, timeout=60)
        procs.stop(self.proc, grace=30)  # the node has halted; SIGKILL only if it has not
        self.proc = None


class PrivateRedis:
    """A redis-server of its own with an append-only file in its own folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = procs.free_port()
        self.proc: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.folder), "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, process_group=0)
        client = redis.Redis(port=self.port)
        wait_until(lambda: _pings(client), 10, "Redis 시작", interval=0.05)

    def stop(self) -> None:
        if self.proc is not None:
            procs.stop(self.proc)  # SIGTERM: Redis finishes its append-only file and exits
            self.proc = None


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def stack(monkeypatch):
    if _rabbit_tool("rabbitmq-server") is None or shutil.which("redis-server") is None:
        pytest.skip("rabbitmq-server or redis-server is not installed")
    folder = Path(tempfile.mkdtemp(prefix="lt-dur-", dir="/tmp"))  # short: Erlang paths
    (folder / "rabbit").mkdir()
    (folder / "redis").mkdir()
    rabbit = PrivateRabbit(folder / "rabbit")
    backend = PrivateRedis(folder / "redis")
    try:
        rabbit.start()
        backend.start()
        lab.down()
        monkeypatch.setenv("CELERY_BROKER_URL", rabbit.url)
        monkeypatch.setenv("CELERY_RESULT_BACKEND", backend.url)
        forget_connections()
        lab.up()
        yield rabbit, backend
    finally:
        lab.down()
        forget_connections()
        backend.stop()
        rabbit.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_tasks_survive_a_broker_restart_and_results_a_redis_restart(stack, capsys):
    rabbit, backend = stack
    began = time.monotonic()
    sent = [add.apply_async((i, i), queue="durable") for i in range(N)]
    sending = time.monotonic() - began
    assert queues.length("durable", wait_for=N, timeout=5) == N

    rabbit.stop()
    restart = rabbit.start()
    forget_connections()
    assert queues.length("durable", wait_for=N, timeout=5) == N  # the messages are on disk

    began = time.monotonic()
    worker = lab.worker("durable", queues=["durable"], concurrency=2)
    # results asked anew: forget_connections() detached the old ones' backend. Through the lab's
    # app (add.AsyncResult): a bare AsyncResult takes the current app, which an earlier test in this
    # process may have made another one (a learner's project app imported in-process)
    assert [add.AsyncResult(r.id).get(timeout=60) for r in sent] == [2 * i for i in range(N)]
    running = time.monotonic() - began
    ran = [line for line in worker.logs(10 * N) if "succeeded in" in line]
    assert len(ran) == N, f"{len(ran)} executions for {N} tasks"  # each exactly once
    assert queues.length("durable") == 0
    lab.stop(worker)

    backend.stop()
    backend.start()
    forget_connections()
    stored = [add.AsyncResult(r.id).result for r in sent]
    assert stored == [2 * i for i in range(N)]
    with capsys.disabled():
        print(f"\n[durability] {N} tasks sent in {sending:.2f} s with no worker; RabbitMQ "
              f"restarted in {restart:.1f} s with {N} messages kept; one worker ran all {N} once "
              f"in {running:.1f} s (start included); after a Redis restart {len(stored)} of {N} "
              "results still stored (appendonly yes)")
