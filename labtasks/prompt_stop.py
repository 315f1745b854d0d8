"""Let an idle worker end its warm shutdown at once, every shutdown signal still sent (Celery's own
path waits for prefork children, 1 s each, or for its event loop's poll, 0.7 s to 4 s): the signal
wakes the loop; with no task active, reserved or held for its ETA, each pool child is told to exit
(``worker_process_shutdown``), queued acks go out, ``worker_shutdown`` is sent, then the exit."""
import os
import sys
import time
from itertools import repeat

import psutil
from celery import bootsteps, signals
from celery.worker import state


class ExitWhenIdle(bootsteps.StartStopStep):
    """Starts after the pool and before the consumer, so it stops after the consumer."""

    requires = ("celery.worker.components:Pool",)

    def start(self, worker):
        if worker.pool.is_green:  # gevent: a greenlet started from the SIGTERM handler stops it
            import gevent
            signals.worker_shutting_down.connect(lambda **_: gevent.spawn(self.stop, worker),
                                                 weak=False)
        elif getattr(worker, "hub", None) is not None:  # the event loop: a pipe wakes its poll
            wake_r, wake_w = os.pipe()
            worker.hub.add_reader(wake_r, os.read, wake_r, 1)
            signals.worker_shutting_down.connect(lambda **_: os.write(wake_w, b"!"), weak=False)

    def stop(self, worker):
        held = getattr(worker.consumer.qos, "value", 0) > worker.consumer.initial_prefetch_count
        if state.active_requests or state.reserved_requests or held:  # held: prefetch grew per ETA
            return  # tasks to finish or to give back: the normal warm shutdown
        hub = getattr(worker, "hub", None)
        pool = getattr(worker.pool, "_pool", None)  # billiard's pool (prefork), or gevent's
        if pool is not None and not worker.pool.is_green:
            children = [psutil.Process(p.pid) for p in pool._pool if p.pid]
            pool._stop_task_handler(pool._task_handler)  # a "no more work" sentinel per child
            # billiard's result handler, run by the loop, SIGTERMs each child that said DEATH
            loop, deadline = hub.create_loop() if hub else repeat(None), time.monotonic() + 5
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
