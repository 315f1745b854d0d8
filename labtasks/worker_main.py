"""``python -m labtasks.worker_main ARGS`` = ``celery -A labtasks worker ARGS``, started faster.

It runs Celery's own ``worker`` command (the same click command, the same options) without the
``celery`` command group, whose plugins (Flower, the amqp shell and its prompt_toolkit) cost
about half a second of imports at every worker start.
"""
import sys

from celery.bin.base import CLIContext
from celery.bin.worker import worker

from labtasks import app


def main(argv: list[str]) -> None:
    worker.main(args=argv, prog_name="celery -A labtasks worker",
                obj=CLIContext(app=app, no_color=True, workdir=None))


if __name__ == "__main__":
    main(sys.argv[1:])
