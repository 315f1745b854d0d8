"""Chapter 03 (라우팅): the guide's two tasks, each routed to its own queue by ``task_routes``.

The names are explicit: ``task_routes`` in ``labtasks/app.py`` is keyed by task name, and without
``name=`` a task is called after its module (``labtasks.tasks.routing.normal_call``).
"""
import time

from ..app import app

#: How long each call works, so that the routing lesson shows on the timeline (seconds).
NORMAL_SECONDS = 0.2
URGENT_SECONDS = 0.05


def _where(task) -> dict:
    """메시지가 어느 큐에서 왔고(delivery_info의 routing_key) 어느 워커가 처리했는지."""
    info = task.request.delivery_info or {}
    return {"task": task.name, "queue": info.get("routing_key"), "worker": task.request.hostname}


@app.task(name="normal_call", bind=True)
def normal_call(self, seconds=NORMAL_SECONDS):
    """일반 태스크: 시간이 좀 걸린다."""
    time.sleep(seconds)
    return _where(self)


@app.task(name="urgent_call", bind=True)
def urgent_call(self, seconds=URGENT_SECONDS):
    """긴급 태스크: 일반 태스크 뒤에서 기다리면 안 된다."""
    time.sleep(seconds)
    return _where(self)


@app.task(name="call", bind=True)
def call(self, who, priority="normal"):
    """인자에 따라 큐가 달라지는 태스크(``priority_router`` 참고)."""
    return dict(_where(self), who=who)


def priority_router(name, args, kwargs, options, task=None, **kw):
    """라우터 함수: ``call(..., priority="high")``는 ``high_priority``로, 나머지 ``call``은 ``low_priority``로.

    None을 돌려주면 다음 규칙(여기서는 ``task_routes``의 딕셔너리)에 맡긴다."""
    if name == "call":
        return {"queue": "high_priority" if kwargs.get("priority") == "high" else "low_priority"}
    return None
