"""Chapter 13, the kernel's side: copies of the lab's tasks on an eager app (the lab's app stays as
it is), the chapter's project folder, and pytest run on a project folder in a clean environment.
The chapter's tasks are in ``labtasks.tasks.testing``; they are importable from here too."""
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

from celery import Celery

from ..tasks.testing import FARES, fare, route, unique  # noqa: F401

#: the environment variables a pytest run must not inherit from an outer pytest (or nbval)
OUTER_PYTEST = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER",
                "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID")


def eager_app() -> Celery:
    """A Celery app of its own with ``task_always_eager=True``: nothing is sent anywhere."""
    eager = Celery("eager", set_as_current=False, broker="memory://", backend="cache+memory://")
    eager.conf.update(task_always_eager=True, task_serializer="json", result_serializer="json")
    return eager


def eager_copies(*tasks, app: Celery | None = None):
    """The same functions as ``tasks``, under the same names, registered on an eager app."""
    app = app or eager_app()
    copies = []
    for task in tasks:
        bind = inspect.ismethod(task.run)
        function = task.run.__func__ if bind else task.run
        copies.append(app.task(function, name=task.name, bind=bind,
                               max_retries=task.max_retries))
    return copies if len(copies) > 1 else copies[0]


#: the kernel's working folder before it went into a project (once, however often it is re-run)
_started_in: list[str] = []


def new_project(name: str = "ch13") -> Path:
    """An empty project folder ``~/celery-lab/<name>`` (emptied if it is there), outside the repo,
    made the kernel's working folder; ``leave_project()`` goes back. ``LABTASKS_PROJECT_ROOT``
    puts it elsewhere (each test run has its own, so that runs side by side never share it)."""
    if not _started_in:
        _started_in.append(os.getcwd())
    root = os.environ.get("LABTASKS_PROJECT_ROOT") or Path.home() / "celery-lab"
    folder = Path(root) / name
    os.chdir(Path.home())  # not inside the folder being emptied
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.chdir(folder)
    for variable in OUTER_PYTEST:  # `!python -m pytest` in this kernel: the project's tests only
        os.environ.pop(variable, None)
    return folder


def leave_project() -> None:
    """Back to the working folder the kernel had before ``new_project()``."""
    if _started_in:
        os.chdir(_started_in.pop())


def run_pytest(folder: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m pytest -q`` in ``folder``, with none of an outer pytest's settings."""
    env = {k: v for k, v in os.environ.items() if k not in OUTER_PYTEST}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(folder), *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=timeout)
