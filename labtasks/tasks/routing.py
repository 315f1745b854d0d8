"""Chapter 03 (라우팅): the guide's two tasks, each routed to its own queue by ``task_routes``.

The names are explicit: ``task_routes`` in ``labtasks/app.py`` is keyed by task name, and without
``name=`` a task is called after its module (``labtasks.tasks.routing.normal_call``).
"""
import time

from ..app import app

#: How long each call works, so that the routing lesson shows on the timeline (seconds).
NORMAL_SECONDS = 0.3
URGENT_SECONDS = 0.05


def _where(task) -> dict:
    """Which queue the message came from and which worker ran it."""
    info = task.request.delivery_info or {}
    return {"task": task.name, "queue": info.get("routing_key"), "worker": task.request.hostname}


@app.task(name="normal_call", bind=True)
def normal_call(self, seconds=NORMAL_SECONDS):
    """An ordinary job: takes a while."""
    time.sleep(seconds)
    return _where(self)


@app.task(name="urgent_call", bind=True)
def urgent_call(self, seconds=URGENT_SECONDS):
    """A job that must not wait behind ordinary ones."""
    time.sleep(seconds)
    return _where(self)


@app.task(name="call", bind=True)
def call(self, who, priority="normal"):
    """One task whose queue depends on its arguments (see ``priority_router``)."""
    return dict(_where(self), who=who)


def priority_router(name, args, kwargs, options, task=None, **kw):
    """A router function: ``call(..., priority="high")`` goes to ``high_priority``.

    Returning None hands the decision to the next router (here the ``task_routes`` mapping)."""
    if name == "call":
        return {"queue": "high_priority" if kwargs.get("priority") == "high" else "low_priority"}
    return None
