"""Let an idle worker end its warm shutdown at once, every shutdown signal still sent.

Joining a prefork pool takes about a second even when no task runs (billiard's supervisor sleeps
0.8 s, Celery's timer thread 0.5 s). With no task active or reserved, this step tells each pool
child to exit (the child sends ``worker_process_shutdown``), waits for them, sends the acks still
queued in the event loop, sends ``worker_shutdown`` and exits. A busy worker shuts down the usual way."""
import os
import sys

import psutil
from celery import bootsteps, signals
from celery.worker import state


class ExitWhenIdle(bootsteps.StartStopStep):
    """Starts after the pool and before the consumer, so it stops after the consumer."""

    requires = ("celery.worker.components:Pool",)

    def stop(self, worker):
        if state.active_requests or state.reserved_requests:
            return  # tasks to finish: the normal warm shutdown
        pool = getattr(worker.pool, "_pool", None)  # billiard's pool (prefork), or gevent's
        if pool is not None and not worker.pool.is_green:
            children = [psutil.Process(p.pid) for p in pool._pool if p.pid]
            pool._stop_task_handler(pool._task_handler)  # a "no more work" sentinel per child
            psutil.wait_procs(children, timeout=5)
        if getattr(worker, "hub", None) is not None:
            worker.hub.close()  # runs the acks queued with call_soon: lost otherwise, then redelivered
        signals.worker_shutdown.send(sender=worker)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(0)


def install(app):
    app.steps["worker"].add(ExitWhenIdle)
