"""``python -m labtasks.worker_main ARGS`` = ``celery -A labtasks worker ARGS``, started faster:
Celery's own ``worker`` command without the ``celery`` command group, whose plugins (Flower, the
amqp shell and its prompt_toolkit) cost about half a second of imports at every worker start."""
import sys

if __name__ == "__main__":
    # pygments, which only colours the command line's output, left out as if not installed
    # (Celery's CLI module then skips it): 50 ms of every worker start
    sys.modules.setdefault("pygments", None)
    # -P gevent: monkey-patch before the worker machinery imports (what the ``celery`` command
    # does in celery/__main__.py, which this launcher bypasses)
    from celery import maybe_patch_concurrency
    maybe_patch_concurrency(["celery", *sys.argv[1:]])

from celery.bin.base import CLIContext
from celery.bin.worker import worker

from labtasks.app import app
from labtasks.prompt_stop import install


def main(argv: list[str]) -> None:
    install(app)
    worker.main(args=argv, prog_name="celery -A labtasks worker",
                obj=CLIContext(app=app, no_color=True, workdir=None))


if __name__ == "__main__":
    main(sys.argv[1:])
