"""Worker logs a notebook can read although another container runs the worker: with
``LABTASKS_WORKER_LOG_DIR`` set (compose), a worker also writes ``<name>.log`` there."""
import logging
import os
from pathlib import Path

from celery import signals
from celery.app.log import TaskFormatter

ENV = "LABTASKS_WORKER_LOG_DIR"


def path_for(name: str) -> Path | None:
    """Where the worker named ``name`` (the part before ``@``) writes its shared log, if anywhere."""
    folder = os.environ.get(ENV)
    return Path(folder) / f"{name}.log" if folder else None


@signals.celeryd_after_setup.connect
def _share(sender=None, instance=None, conf=None, **kwargs):
    """In a worker (``sender`` is its node name), copy every log line to the shared file."""
    path = path_for(str(sender).split("@", 1)[0])
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    level = logging.getLogger().getEffectiveLevel()
    for logger, formatter in [(logging.getLogger(), logging.Formatter(conf.worker_log_format)),
                              (logging.getLogger("celery.task"),
                               TaskFormatter(conf.worker_task_log_format))]:
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(formatter)
        handler.setLevel(level)
        logger.addHandler(handler)
