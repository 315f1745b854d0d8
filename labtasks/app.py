"""The Celery app of the course: JSON only, task events on, and timeouts that fail fast."""
import contextlib
import threading

from celery import Celery, Task
from celery.backends.asynchronous import E_RETRY_LIMIT_EXCEEDED
from kombu import pools
from kombu.exceptions import OperationalError
from kombu.utils.url import maybe_sanitize_url

# imported for their signal handlers: worker_logs shares a worker's log, readiness says it is up
from . import readiness, settings, worker_logs  # noqa: F401
from .errors import BrokerUnavailable

#: Talking to a dead broker or backend gives up after about 2 s instead of retrying forever.
FAST_FAIL_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


class LabTask(Task):
    """A task whose publish errors say, in Korean, what to check."""

    def apply_async(self, *args, **kwargs):
        try:
            return super().apply_async(*args, **kwargs)
        except BrokerUnavailable:
            raise
        except (OperationalError, RuntimeError) as exc:
            # the Redis result backend gives up with a RuntimeError that says to restart the app
            if isinstance(exc, RuntimeError) and str(exc).strip() != E_RETRY_LIMIT_EXCEEDED.strip():
                raise
            forget_connections()  # so the next call, once the server is back, starts afresh
            cause = "결과 백엔드에 다시 연결하지 못했습니다" if isinstance(exc, RuntimeError) else exc
            raise BrokerUnavailable(maybe_sanitize_url(self.app.conf.broker_url),
                                    maybe_sanitize_url(self.app.conf.result_backend), cause) from exc


app = Celery("labtasks", task_cls=LabTask, include=["labtasks.tasks"])
# where the broker and the backend are is decided on first use (the environment still wins)
app.add_defaults(lambda: {"broker_url": settings.broker_url(),
                          "result_backend": settings.result_backend()})
app.conf.update(
    # JSON only: nothing a worker receives can run code on unpickling.
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_accept_content=["json"],
    # events for the monitor and Flower, including task-sent from the caller
    worker_send_task_events=True,
    task_send_sent_event=True,
    result_extended=True,
    # fail fast: a dead broker or backend raises within seconds
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=2,
    broker_connection_max_retries=3,
    task_publish_retry_policy=FAST_FAIL_RETRY,
    redis_socket_connect_timeout=2,
    result_backend_transport_options={"retry_policy": dict(FAST_FAIL_RETRY)},
    broker_transport_options=dict(FAST_FAIL_RETRY),
    # a prefork child gets 30 s to start, not 4: on a busy machine the default kills slow ones and
    # starts others, and chapter 06 counts the children that opened a connection
    worker_proc_alive_timeout=30,
    # the notebook reads the result moments after the worker writes it; an hour is plenty
    result_expires=3600,
    timezone="Asia/Seoul",
    # chapter 03: the router function first (tasks it does not know fall through to the mapping)
    task_routes=("labtasks.tasks.routing.priority_router", {
        "normal_call": {"queue": "low_priority"},
        "urgent_call": {"queue": "high_priority"},
        # chapter 06 watches its own workers' processes: its tasks go to a queue only they consume
        "labtasks.tasks.db.*": {"queue": "db"},
    }),
)


def forget_connections():
    """Drop pooled broker and backend connections (after the broker they point to stopped)."""
    pools.reset()  # kombu's process-wide pools, which app.pool is taken from
    app._after_fork()
    # old results unsubscribe through the old backend when collected: detach it (no retry noise)
    consumer = getattr(getattr(app._local, "backend", None), "result_consumer", None)
    if getattr(consumer, "_pubsub", None) is not None:
        with contextlib.suppress(Exception):  # the server is gone; nothing to tell it
            consumer._pubsub.close()
        consumer._pubsub = None
    app._local = threading.local()  # the backend (and its result consumer) is rebuilt on use
