"""celery beat, started from the kernel like a worker: ``lab.beat()``. The schedule travels as JSON
in an environment variable (``labtasks.tasks.periodic`` reads it in the beat process); beat's state
file (when each entry last ran) and its log are in the run folder."""
import sys
from datetime import timedelta

from . import display, settings
from .procs import LoggedChild
from .tasks.periodic import SCHEDULE_ENV, to_json


class Beat(display.Table, LoggedChild):
    """A celery beat process this kernel started, with the schedule it was given."""

    stop_grace, headers, caption, empty = 5.0, ["항목", "태스크", "일정"], "beat 일정", "beat 일정 없음"

    def __init__(self, schedule: dict, name: str = "beat"):
        self.name, self.entries, self.schedule = name, dict(schedule), to_json(schedule)
        self.log_path = settings.make_run_dir() / f"{name}.log"
        self.schedule_path = settings.make_run_dir() / f"{name}-schedule"

    def rows(self):
        def every(s):
            s = s.total_seconds() if isinstance(s, timedelta) else s
            return f"{s:g}초마다" if isinstance(s, (int, float)) else str(s)
        return [[key, e["task"], every(e["schedule"])] for key, e in sorted(self.entries.items())]

    def start(self) -> "Beat":
        self._spawn([sys.executable, "-m", "celery", "-A", "labtasks", "beat", "-l", "INFO",
                     "-s", str(self.schedule_path)], kind="beat",
                    env=dict(settings.child_env(), **{SCHEDULE_ENV: self.schedule}))

        def started():
            self._check_alive(f"beat {self.name}")
            return b"beat: Starting..." in self.log_path.read_bytes()
        self._wait(started, 30.0, f"beat {self.name}의 시작", interval=0.02)
        return self
