"""Child processes that never outlive the kernel: own process group; on Linux a tiny guard (not
``preexec_fn``, unsafe with threads) sets the parent-death signal, checks the kernel still lives and
execs the program; every start is recorded so ``reap`` can kill what a dead kernel left behind."""
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections import deque
from pathlib import Path

import psutil

from . import readiness, settings
from .errors import LabError
from .waiting import wait_until

_RECORD = "children.txt"
_GUARD = ("import ctypes, os, signal, sys\n"
          "if sys.platform.startswith('linux'):\n"
          "    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG\n"
          "    if os.getppid() != int(sys.argv[1]):\n"
          "        os._exit(1)  # the kernel died before the signal was set\n"
          "os.execvp(sys.argv[2], sys.argv[2:])\n")


def spawn(argv: list[str], *, log: Path, kind: str, name: str,
          env: dict | None = None, cwd: Path | None = None) -> subprocess.Popen:
    """Start ``argv`` with its output in ``log``, in its own group, tied to this process."""
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-S", "-I", "-c", _GUARD, str(os.getpid()), *argv],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=env, cwd=cwd, close_fds=True, process_group=0)
    with open(settings.make_run_dir() / _RECORD, "a") as record:
        record.write(f"{settings.incarnation(proc.pid)} {kind} {name}\n")
    return proc


def alive(pid: int) -> bool:
    """True for a running process (a zombie counts as gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen | int, grace: float = 10.0) -> bool:
    """SIGTERM to ``proc`` (our child, or any pid), SIGKILL to its process group after ``grace``
    seconds, and at the end for any pool child it left behind. True if it ended within grace."""
    pid = proc if isinstance(proc, int) else proc.pid
    ended = True
    running = alive(pid) if isinstance(proc, int) else proc.poll() is None
    if running:
        terminate(pid)
        ended = _wait_gone(proc, grace)
        if not ended:
            _signal_group(pid, signal.SIGKILL)
            _wait_gone(proc, 5)
    _signal_group(pid, signal.SIGKILL)
    return ended


def terminate(pid: int) -> None:
    """SIGTERM to the leader alone (pool children signalled too would die mid-task); no wait."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)


def _wait_gone(proc: subprocess.Popen | int, timeout: float) -> bool:
    if not isinstance(proc, int):
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
        return proc.poll() is not None
    with contextlib.suppress(psutil.NoSuchProcess):
        return not psutil.wait_procs([psutil.Process(proc)], timeout=timeout)[1]
    return True


def _signal_group(pgid: int, sig: int):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def reap() -> list[str]:
    """Kill what kernels that are gone left running; return a line per process killed."""
    killed = []
    root = settings.runtime_root()
    for folder in root.iterdir() if root.exists() else []:
        owner = re.fullmatch(r"(\d+)-\d+", folder.name)
        if not owner or settings.incarnation(int(owner[1])) == folder.name:
            continue  # not a run folder, or its kernel still runs
        record = folder / _RECORD
        for line in record.read_text().splitlines() if record.exists() else []:
            child, kind, name = line.split(maxsplit=2)
            pid = int(child.split("-")[0])
            if settings.incarnation(pid) == child:
                _signal_group(pid, signal.SIGKILL)
                killed.append(f"{kind} {name} (pid {pid})")
        shutil.rmtree(folder, ignore_errors=True)
    return killed


class LogTail(list):
    """A log's last lines; shows as plain lines in a notebook."""

    @classmethod
    def of(cls, path: Path | None, n: int) -> "LogTail":
        if path is None or not path.exists():
            return cls()
        with open(path, encoding="utf-8", errors="replace") as f:
            return cls(line.rstrip("\n") for line in deque(f, maxlen=n))

    def __repr__(self):
        return "\n".join(self)


class LoggedChild:
    """What a started process and its log file have in common (Redis, workers, beat, Flower).
    A Celery process among them says it is ready by writing ``ready_path`` (see readiness)."""

    proc: subprocess.Popen | None = None
    log_path: Path
    stop_grace: float = 10.0
    ready_timeout: float = 30.0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def ready_path(self) -> Path:
        return self.log_path.with_suffix(".ready")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def said_ready(self) -> bool:
        """True once the process sent its readiness signal (``worker_ready``, ``beat_init``)."""
        return self.ready_path.exists()

    def logs(self, n: int = 20) -> LogTail:
        return LogTail.of(self.log_path, n)

    def _spawn(self, argv, kind: str, env: dict | None = None, cwd: Path | None = None) -> None:
        self.log_path.write_bytes(b"")
        self.ready_path.unlink(missing_ok=True)
        if env is not None:
            env = {**env, readiness.ENV: str(self.ready_path)}
        self.proc = spawn(argv, log=self.log_path, kind=kind, name=getattr(self, "name", kind),
                          env=env, cwd=cwd)

    def _wait(self, ready, what: str, awaited: str, interval: float) -> None:
        """Wait for ``ready()`` while the process ``what`` lives (a LabError with its log when it
        ended); a process that never got ready is stopped, not left behind."""
        def alive_and_ready():
            if not self.alive():
                raise LabError(f"{what}이(가) 시작하다 종료되었습니다. 로그:\n"
                               + "\n".join(self.logs(15)))
            return ready()
        try:
            wait_until(alive_and_ready, self.ready_timeout, f"{what}의 {awaited}", interval)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to its group after ``stop_grace`` seconds."""
        if self.proc is not None:
            stop(self.proc, grace=self.stop_grace)
            self.proc = None

    def terminate(self) -> None:
        """SIGTERM without waiting (``stop()`` waits): several stop at once."""
        if self.alive():
            terminate(self.proc.pid)
