"""A started process says it is ready by a Celery signal, not by its log text: with
``LABTASKS_READY_FILE`` set, a worker (``worker_ready``) or beat (``beat_init``) writes that file."""
import os
from pathlib import Path

from celery import signals

ENV = "LABTASKS_READY_FILE"


@signals.worker_ready.connect
@signals.beat_init.connect
def _write_ready_file(sender=None, **kwargs):
    if os.environ.get(ENV):
        Path(os.environ[ENV]).write_text(str(os.getpid()))
