"""celery beat started from the kernel: ``lab.beat()``. The schedule travels as JSON in an environment
variable (``labtasks.tasks.periodic`` reads it); beat's state file and log are in the run folder."""
import sys
from datetime import timedelta

from . import display, settings
from .procs import LoggedChild
from .tasks.periodic import SCHEDULE_ENV, to_json


class Beat(display.Table, LoggedChild):
    stop_grace = 5.0
    headers = ["항목", "태스크", "일정"]
    caption = "beat 일정"
    empty = "beat 일정 없음"

    def __init__(self, schedule: dict, name: str = "beat"):
        self.name = name
        self.entries = dict(schedule)
        self.schedule = to_json(schedule)  # what the beat process is given, compared on reuse
        self.log_path = settings.make_run_dir() / f"{name}.log"
        self.schedule_path = settings.make_run_dir() / f"{name}-schedule"

    def rows(self):
        return [[key, entry["task"], _every(entry["schedule"])]
                for key, entry in sorted(self.entries.items())]

    def start(self) -> "Beat":
        self._spawn([sys.executable, "-m", "celery", "-A", "labtasks", "beat", "-l", "INFO",
                     "-s", str(self.schedule_path)], kind="beat",
                    env=dict(settings.child_env(), **{SCHEDULE_ENV: self.schedule}))
        # beat sends beat_init as its scheduler starts
        self._wait(self.said_ready, f"beat {self.name}", "시작", interval=0.02)
        return self


def _every(schedule) -> str:
    if isinstance(schedule, timedelta):
        schedule = schedule.total_seconds()
    if isinstance(schedule, int | float):
        return f"{schedule:g}초마다"
    return str(schedule)
