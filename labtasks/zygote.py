"""A pre-imported worker launcher: ``lab.up()`` starts it, ``lab.worker()`` asks it to fork.

A new worker process spends most of its start-up importing Celery, kombu and the tasks (about
0.4 s here, more on a busy machine). The zygote does those imports once, in the background, and
forks a worker on request, so a worker is ready in the time its own boot steps take.

Protocol: one JSON line per request on the zygote's stdin (``{"args", "log", "env"}``), one
JSON line per reply on its stdout (``{"pid": N}``). Death is chained: the zygote has the kernel as
its parent-death signal, each forked worker has the zygote, each prefork child has its worker.
The gevent and eventlet pools monkey-patch at start, so they are spawned afresh instead.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

from . import children, settings

#: pools whose workers must start in a fresh interpreter (they patch the standard library)
FRESH_ONLY = {"gevent", "eventlet"}


class ForkedProcess:
    """The slice of ``subprocess.Popen`` that ``children.stop`` uses, for a zygote's child."""

    def __init__(self, pid: int):
        self.pid = pid

    def poll(self):
        return None if children.alive(self.pid) else 0

    def wait(self, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while children.alive(self.pid):
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.005)
        return 0


class Zygote:
    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        """Start the zygote without waiting for its imports."""
        if self.running() or not sys.platform.startswith("linux"):
            return
        self.proc = children.spawn([sys.executable, "-m", "labtasks.zygote"],
                                   log=settings.run_dir() / "zygote.log", kind="zygote",
                                   name="worker-launcher", env=settings.child_env(), pipes=True)

    def fork(self, args: list[str], log) -> ForkedProcess | None:
        """A worker forked with ``args``; None when the zygote cannot serve (then spawn afresh)."""
        if not self.running():
            return None
        with self._lock:
            try:
                request = {"args": args, "log": str(log), "env": settings.child_env()}
                self.proc.stdin.write(json.dumps(request) + "\n")
                self.proc.stdin.flush()
                reply = self.proc.stdout.readline()
            except (BrokenPipeError, OSError):
                return None
        if not reply:
            return None
        pid = json.loads(reply)["pid"]
        children.record(pid, "worker", args[args.index("-n") + 1] if "-n" in args else "?")
        return ForkedProcess(pid)

    def stop(self):
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()  # the zygote exits when its input ends
        except OSError:
            pass
        children.stop(self.proc, grace=2.0)
        self.proc.stdout.close()
        self.proc = None


#: the launcher of this kernel's workers
launcher = Zygote()


# ---- inside the zygote process ------------------------------------------------------------

def _reap_children(*_):
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def _run_worker(request: dict, zygote_pid: int):
    """In the forked child: detach, tie to the zygote, log to a file, run the worker command."""
    os.setpgid(0, 0)
    children.die_with_parent(zygote_pid)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.environ.clear()  # the kernel's environment now, not the one the zygote started with
    os.environ.update(request["env"])
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    code = 1
    try:
        from .worker_main import main
        main(request["args"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve():
    # everything a worker imports, imported once here
    import celery.apps.worker  # noqa: F401
    import celery.concurrency.prefork  # noqa: F401
    import celery.concurrency.solo  # noqa: F401
    import celery.concurrency.thread  # noqa: F401
    import labtasks.tasks  # noqa: F401
    import labtasks.worker_main  # noqa: F401
    from celery.app.backends import by_url
    from labtasks.app import app
    app.connection_for_write().transport  # loads the broker's transport module, connects nothing
    by_url(app.conf.result_backend, app.loader)  # and the result backend's
    signal.signal(signal.SIGCHLD, _reap_children)
    me = os.getpid()
    requests, replies = sys.stdin, sys.stdout
    for line in requests:
        request = json.loads(line)
        replies.flush()
        pid = os.fork()
        if pid == 0:
            _run_worker(request, me)
        replies.write(json.dumps({"pid": pid}) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve()
