"""Chapter 09: tasks that fail, retry, run out of time, or get delivered twice.

Flaky tasks count their attempts in ``self.request.retries`` (how many times this call has been
retried so far), so a given call fails the same way every time it is sent: outputs stay stable.
"""
import os
import time

from celery.exceptions import SoftTimeLimitExceeded

from ..app import app
from .basics import add


@app.task
def divide(x, y):
    """Fails with ZeroDivisionError when ``y`` is 0."""
    return x / y


@app.task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=False,
          max_retries=3)
def fetch_flaky(self, failures=2):
    """Raises ConnectionError on its first ``failures`` attempts; Celery retries it by itself."""
    if self.request.retries < failures:
        raise ConnectionError(f"{self.request.retries + 1}번째 시도: 연결 실패")
    return f"{self.request.retries + 1}번째 시도에 성공"


@app.task(bind=True, max_retries=3)
def call_api(self, message, failures=1):
    """Retried by hand with ``self.retry(countdown=…)`` when the (pretend) API is down."""
    try:
        if self.request.retries < failures:
            raise ConnectionError("API 서버가 응답하지 않음")
    except ConnectionError as exc:
        raise self.retry(exc=exc, countdown=0.5)
    return f"전송 완료: {message} (재시도 {self.request.retries}회)"


@app.task(soft_time_limit=0.5, time_limit=3)
def slow_report(seconds=2):
    """Catches the soft time limit and returns what it finished."""
    try:
        for _ in range(int(seconds * 10)):
            time.sleep(0.1)
    except SoftTimeLimitExceeded:
        return f"소프트 시간 제한: {seconds}초 분량 중 일부만 처리하고 정리함"
    return "모두 처리함"


@app.task(time_limit=0.5)
def stuck(seconds=5):
    """Never finishes in time: the hard limit kills the process running it."""
    time.sleep(seconds)
    return "끝"


@app.task(bind=True)
def wait_inside(self, x, y):
    """The mistake: waiting for another task's result inside a task."""
    return add.delay(x, y).get(timeout=5)


# --- at-least-once delivery ------------------------------------------------------------------

def _redis():
    """The result backend's Redis client (both course setups keep results in Redis)."""
    return app.backend.client


def _keys(run):
    return f"labtasks:run:{run}:executions", f"labtasks:run:{run}:effects"


def _execute_once(run, i, seconds):
    executions, effects = _keys(run)
    client = _redis()
    client.hincrby(executions, i, 1)          # every execution counts, including repeats
    time.sleep(seconds)
    client.hsetnx(effects, i, os.getpid())    # the effect itself happens once per i: idempotent
    client.expire(executions, 3600)
    client.expire(effects, 3600)
    return i


@app.task(acks_late=True, reject_on_worker_lost=True)
def record_once(run, i, seconds=0.2):
    """Acknowledged after it ran: a worker killed midway leaves it in the broker to run again."""
    return _execute_once(run, i, seconds)


@app.task
def record_once_early_ack(run, i, seconds=0.2):
    """The default: acknowledged when a pool process takes it, so a crash loses it."""
    return _execute_once(run, i, seconds)
