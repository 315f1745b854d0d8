"""Child processes that never outlive the kernel that started them.

Each child gets its own process group and, on Linux, a parent-death signal set before it execs,
so it dies with the kernel even on SIGKILL. Every start is written to the kernel's run folder;
the next lab that starts on this machine kills what a dead kernel left behind (``reap``).
"""
import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import settings
from .procinfo import alive, start_time  # noqa: F401 - part of this module's interface

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
_RECORD = "children.txt"


def die_with_parent(parent: int):
    """In a new child: get SIGKILL when ``parent`` dies (Linux), and exit if it already has."""
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died between fork and prctl
            os._exit(1)


def _preexec(parent: int):
    def run_in_child():
        os.setpgid(0, 0)
        die_with_parent(parent)
    return run_in_child


def spawn(argv: list[str], *, log: Path, kind: str, name: str, env: dict | None = None,
          pipes: bool = False) -> subprocess.Popen:
    """Start ``argv`` with its output in ``log``, in its own group, tied to this process.

    With ``pipes``, its stdin and stdout are text pipes to this process (stderr still goes to log).
    """
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else out, stderr=out, text=pipes or None, env=env,
            close_fds=True, preexec_fn=_preexec(os.getpid()))
    record(proc.pid, kind, name)
    return proc


def record(pid: int, kind: str, name: str):
    """Write down a process this kernel is responsible for, for the reaper."""
    with open(settings.run_dir() / _RECORD, "a") as out:
        out.write(f"{pid} {start_time(pid)} {kind} {name}\n")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 10.0) -> float:
    """Send ``sig`` to the child's group, SIGKILL it after ``grace`` s; return seconds taken."""
    began = time.monotonic()
    if proc.poll() is None:
        _signal_group(proc.pid, sig)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait(5)
    _signal_group(proc.pid, signal.SIGKILL)  # pool children the leader left behind, if any
    return time.monotonic() - began


def _signal_group(pgid: int, sig: int):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def reap() -> list[str]:
    """Kill what processes that are gone left running; return a line per process killed."""
    killed = []
    mine = settings.run_dir(create=False).name
    for folder in settings.runtime_root().iterdir():
        owner = re.fullmatch(r"(\d+)-(\w+)", folder.name)
        if not folder.is_dir() or folder.name == mine or not owner:
            continue
        if start_time(int(owner[1])) == owner[2]:
            continue  # its owner still runs
        record = folder / _RECORD
        for line in record.read_text().splitlines() if record.exists() else []:
            child, child_started, kind, name = line.split(maxsplit=3)
            if alive(int(child)) and start_time(int(child)) == child_started:
                _signal_group(int(child), signal.SIGKILL)
                killed.append(f"{kind} {name} (pid {child})")
        shutil.rmtree(folder, ignore_errors=True)
    return killed


def forget_run_dir():
    """Remove this kernel's run folder once nothing of it runs any more."""
    shutil.rmtree(settings.run_dir(), ignore_errors=True)



def rss_bytes(pid: int) -> int:
    """Resident memory of one process (Linux), 0 when unknown."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class LoggedChild:
    """What a started process and its log file have in common (workers, Flower)."""

    proc: subprocess.Popen | None = None
    log_path: Path
    stop_grace: float = 10.0

    pid = property(lambda self: self.proc.pid if self.proc else None)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def logs(self, n: int = 20) -> list[str]:
        """The last ``n`` lines of the process's log."""
        if not self.log_path.exists():
            return []
        return self.log_path.read_text(errors="replace").splitlines()[-n:]

    def stop(self) -> float:
        """SIGTERM to its group, SIGKILL after ``stop_grace``; return the seconds taken."""
        if self.proc is None:
            return 0.0
        taken = stop(self.proc, grace=self.stop_grace)
        self.proc = None
        return taken
