"""Chapter 10: the tasks celery beat sends, and how the kernel's schedule reaches beat.

beat is a process of its own: a ``beat_schedule`` set in the kernel is not in its ``app.conf``.
``lab.beat()`` passes the schedule as JSON in ``LABTASKS_BEAT_SCHEDULE`` (seconds for a number
or a ``timedelta``, the five fields for a ``crontab``); beat imports this module with every task
module before it reads ``beat_schedule``, and the lines at the bottom put the schedule there.
"""
import json
import os
import time
from datetime import timedelta

from celery.schedules import crontab

from ..app import app

SCHEDULE_ENV = "LABTASKS_BEAT_SCHEDULE"
_CRON_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")


@app.task
def tick(label="tick", seconds=0.1):
    """beat가 보내는 짧은 태스크: 잠깐(타임라인에 보일 만큼) 일하고 받은 이름을 돌려줍니다."""
    time.sleep(seconds)
    return label


@app.task(bind=True)
def tick_once(self, key, seconds=0.4):
    """두 beat가 같은 항목을 보내도 한 번만 일합니다: Redis 락(SET NX PX)을 잡은 쪽만 실행합니다."""
    if app.backend.client.set(f"labtasks:lock:{key}", self.request.id, nx=True,
                              px=int(seconds * 1000)):
        return "실행"
    return "건너뜀"


def to_json(schedule: dict) -> str:
    """A ``beat_schedule`` as JSON text (numbers, ``timedelta`` and ``crontab`` schedules)."""
    def plain(when):
        if isinstance(when, timedelta):
            return when.total_seconds()
        if isinstance(when, crontab):
            return {"crontab": {f: _plain_field(getattr(when, f"_orig_{f}")) for f in _CRON_FIELDS}}
        if isinstance(when, (int, float)):
            return when
        raise TypeError(f"lab.beat()이 beat에 넘길 수 없는 일정입니다: {when!r} "
                        "(숫자(초), timedelta, crontab만 넘길 수 있습니다)")
    return json.dumps({name: dict(entry, schedule=plain(entry["schedule"]))
                       for name, entry in schedule.items()}, ensure_ascii=False, sort_keys=True)


def _plain_field(value):
    return sorted(value) if isinstance(value, (set, frozenset, range)) else value


def from_json(text: str) -> dict:
    """The inverse of ``to_json``: a ``beat_schedule`` beat can run."""
    schedule = json.loads(text)
    for entry in schedule.values():
        if isinstance(entry["schedule"], dict):
            entry["schedule"] = crontab(**entry["schedule"]["crontab"])
    return schedule


if os.environ.get(SCHEDULE_ENV):  # in the beat process that lab.beat() started
    app.conf.beat_schedule = from_json(os.environ[SCHEDULE_ENV])
