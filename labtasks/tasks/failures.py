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
    """``y``가 0이면 ZeroDivisionError로 실패합니다."""
    return x / y


@app.task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=False,
          max_retries=3)
def fetch_flaky(self, failures=2):
    """처음 ``failures``번의 시도는 ConnectionError를 냅니다. 재시도는 Celery가 알아서 합니다."""
    if self.request.retries < failures:
        raise ConnectionError(f"{self.request.retries + 1}번째 시도: 연결 실패")
    return f"{self.request.retries + 1}번째 시도에 성공"


@app.task(bind=True, max_retries=3)
def call_api(self, message, failures=1):
    """(흉내 낸) API가 응답하지 않으면 ``self.retry(countdown=…)``로 직접 재시도합니다."""
    try:
        if self.request.retries < failures:
            raise ConnectionError("API 서버가 응답하지 않음")
    except ConnectionError as exc:
        raise self.retry(exc=exc, countdown=0.2) from exc
    return f"전송 완료: {message} (재시도 {self.request.retries}회)"


@app.task(soft_time_limit=0.5, time_limit=3)
def slow_report(seconds=2):
    """소프트 시간 제한을 잡아서, 하던 일을 정리하고 돌려줍니다."""
    try:
        for _ in range(int(seconds * 10)):
            time.sleep(0.1)
    except SoftTimeLimitExceeded:
        return f"소프트 시간 제한: {seconds}초 분량 중 일부만 처리하고 정리함"
    return "모두 처리함"


@app.task(time_limit=0.5)
def stuck(seconds=5):
    """제한 시간 안에 끝나지 않습니다. 하드 제한이 이 태스크를 실행하던 프로세스를 죽입니다."""
    time.sleep(seconds)
    return "끝"


@app.task(bind=True)
def wait_inside(self, x, y):
    """잘못된 예: 태스크 안에서 다른 태스크의 결과를 기다립니다."""
    return add.delay(x, y).get(timeout=5)


# --- at-least-once delivery ------------------------------------------------------------------

def _redis():
    """The result backend's Redis client (both course setups keep results in Redis)."""
    return app.backend.client


def _keys(run):
    return f"labtasks:run:{run}:executions", f"labtasks:run:{run}:effects"


def _execute_once(run, i, seconds):
    """실행할 때마다 횟수를 세고, 효과는 ``i``마다 한 번만 남깁니다(멱등)."""
    executions, effects = _keys(run)
    client = _redis()
    client.hincrby(executions, i, 1)          # 다시 실행된 것까지 모두 셉니다
    time.sleep(seconds)
    client.hsetnx(effects, i, os.getpid())    # 이미 있으면 쓰지 않음: 효과는 i마다 하나
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
