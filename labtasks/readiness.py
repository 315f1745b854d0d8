"""A process the lab starts says it is ready through a Celery signal, never through its log text:
with ``LABTASKS_READY_FILE`` in its environment, a worker (``worker_ready``) or beat
(``beat_init``) writes its pid to that file. ``labtasks.app`` imports this module, so every
process that loads the app has the hook; without the variable it does nothing."""
import os
from pathlib import Path

from celery import signals

ENV = "LABTASKS_READY_FILE"


@signals.worker_ready.connect
@signals.beat_init.connect
def _write_ready_file(sender=None, **kwargs):
    if os.environ.get(ENV):
        Path(os.environ[ENV]).write_text(str(os.getpid()))
