"""Let an idle worker end its warm shutdown at once (Celery's own waits 1 s per prefork child, or its
loop's poll, up to 5 s): each pool child is told to exit, queued acks go out, ``worker_shutdown`` is
sent, then the exit. It reads private state of Celery 5.7, kombu 5.7, billiard 4.3 (bounded in
pyproject.toml); when some is missing it logs what and leaves Celery's own warm shutdown. A gevent
worker takes Celery's warm shutdown first (seconds), then this exit."""
import os
import sys
import time
from itertools import repeat

import psutil
from celery import bootsteps, signals
from celery.concurrency.prefork import TaskPool as PreforkPool
from celery.utils.log import get_logger
from celery.worker import state
from kombu.transport import virtual

logger = get_logger(__name__)


def missing_internals(worker) -> list[str]:
    """The private attributes the quick stop reads that this worker's libraries do not have."""
    consumer = worker.consumer
    needed = [(state, "active_requests"), (state, "reserved_requests"),
              (consumer, "initial_prefetch_count"), (getattr(consumer, "qos", None), "value")]
    channel = _virtual_channel(worker)
    if channel is not None:  # Redis: what kombu holds, and the BRPOP still out
        needed += [(channel.qos, "_delivered"), (channel.qos, "_dirty"), (channel, "_in_poll")]
    if getattr(worker, "hub", None) is not None:
        needed += [(worker.hub, "create_loop"), (worker.hub, "close")]
    if isinstance(worker.pool, PreforkPool):
        pool = getattr(worker.pool, "_pool", None)
        needed += [(worker.pool, "_pool"), (pool, "_pool"), (pool, "_stop_task_handler"),
                   (pool, "_task_handler")]
    return [name for owner, name in needed if not hasattr(owner, name)]


def _virtual_channel(worker):
    """The task channel of a virtual transport (Redis), whose kombu QoS knows every message Redis
    handed over and nobody acknowledged. None for RabbitMQ, which gives those back by itself."""
    channel = getattr(getattr(worker.consumer, "task_consumer", None), "channel", None)
    return channel if isinstance(channel, virtual.Channel) else None


def held_by_transport(worker) -> int:
    """Messages Redis handed this worker unacknowledged: those kombu holds, and one already on the
    socket of a pending BRPOP, not read yet (one that came while the worker was stopping).
    Exiting now would hide the first in Redis for an hour and lose the second."""
    channel = _virtual_channel(worker)
    if channel is None:
        return 0
    pending = channel._in_poll  # the BRPOP's connection while one is out
    unread = bool(pending) and pending.can_read(timeout=0)
    return len(channel.qos._delivered) - len(channel.qos._dirty) + unread


class ExitWhenIdle(bootsteps.StartStopStep):
    """Starts after the pool and before the consumer, so it stops after the consumer."""

    requires = ("celery.worker.components:Pool",)

    def start(self, worker):
        # the event loop (prefork, threads, solo): a pipe wakes it. gevent has none, and a greenlet
        # started from the SIGTERM handler could exit while the consumer's greenlet takes in a
        # message Redis just handed over (lost): Celery's warm shutdown goes first there, then
        # this step's stop() ends it once the consumer stopped.
        if hasattr(getattr(worker, "hub", None), "add_reader"):
            wake_r, wake_w = os.pipe()
            worker.hub.add_reader(wake_r, os.read, wake_r, 1)
            signals.worker_shutting_down.connect(lambda **_: os.write(wake_w, b"!"), weak=False)

    def stop(self, worker):
        missing = missing_internals(worker)
        if missing:
            logger.warning("labtasks quick stop skipped, Celery's warm shutdown instead: "
                           "this Celery/kombu/billiard has no %s", ", ".join(missing))
            return
        held = worker.consumer.qos.value > worker.consumer.initial_prefetch_count
        if state.active_requests or state.reserved_requests or held or held_by_transport(worker):
            return  # tasks to finish or to give back (held: prefetch grew per ETA): warm shutdown
        hub = getattr(worker, "hub", None)
        if isinstance(worker.pool, PreforkPool):
            pool = worker.pool._pool
            children = [psutil.Process(p.pid) for p in pool._pool if p.pid]
            pool._stop_task_handler(pool._task_handler)  # a "no more work" sentinel per child
            # billiard's result handler, run by the loop, SIGTERMs each child that said DEATH
            loop = hub.create_loop() if hub else repeat(None)
            deadline = time.monotonic() + 5
            while psutil.wait_procs(children, timeout=0.01)[1] and time.monotonic() < deadline:
                next(loop)
        if hub is not None:
            hub.close()  # runs the acks queued with call_soon: lost otherwise, then redelivered
        signals.worker_shutdown.send(sender=worker)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(0)


def install(app):
    app.steps["worker"].add(ExitWhenIdle)
