"""Let an idle worker exit as soon as its consumer has stopped.

A warm shutdown of a prefork worker first stops consuming (and sends worker-offline), then waits
for the pool to finish. Joining the pool costs about a second even when no task runs, spent in
fixed sleeps of billiard's supervisor thread (0.8 s) and Celery's timer thread (0.5 s). When no
task is active or reserved there is nothing to finish, so this step ends the process right
after the consumer stops (sending ``worker_shutdown`` first); the pool children follow by their
parent-death signal, so ``worker_process_shutdown`` does not fire (set LABTASKS_FULL_SHUTDOWN for
that). A busy worker shuts down the usual way. The lab's worker launcher adds this step; the terminal command is
plain Celery.
"""
import os
import sys

from celery import bootsteps, signals
from celery.worker import state


#: Set (to anything) in a worker's environment, it makes every stop a full Celery shutdown, so that
#: ``worker_shutdown`` and ``worker_process_shutdown`` fire.
FULL_SHUTDOWN = "LABTASKS_FULL_SHUTDOWN"


class ExitWhenIdle(bootsteps.StartStopStep):
    """Starts after the pool and before the consumer, so it stops after the consumer."""

    requires = ("celery.worker.components:Pool",)

    def stop(self, worker):
        if state.active_requests or state.reserved_requests:
            return  # tasks to finish: the normal warm shutdown
        if os.environ.get(FULL_SHUTDOWN):
            return  # asked for Celery's whole shutdown (chapter 06 counts its signals)
        signals.worker_shutdown.send(sender=worker)  # what Celery would send on its way out
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(0)


def install(app):
    app.steps["worker"].add(ExitWhenIdle)
