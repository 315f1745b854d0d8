"""Facts about a process by pid: is it running, and when did it start (to tell a reused pid)."""
import os
import re
import subprocess
from pathlib import Path


def start_time(pid: int) -> str | None:
    """The process's start time as a token without spaces, or None if there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except FileNotFoundError:
        return None
    except OSError:  # no /proc (macOS): ask ps
        out = subprocess.run(["ps", "-o", "lstart=", "-p", str(pid)],
                             capture_output=True, text=True).stdout
        return re.sub(r"\W", "", out) or None


def alive(pid: int) -> bool:
    """True for a running process (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False


def incarnation(pid: int) -> str | None:
    """``pid-starttime``: names this process and no later one that reuses its pid."""
    started = start_time(pid)
    return f"{pid}-{started}" if started else None
