"""Chapters 03 and 10: how many messages wait in a queue, and throwing them away, the same on Redis
and RabbitMQ (``lengths`` asks the broker with a passive ``queue_declare``)."""
import contextlib

from ..app import app
from ..queues import lengths
from ..waiting import wait_until


def length(name: str, wait_for: int | None = None, timeout: float = 3.0) -> int:
    """Messages waiting in queue ``name`` (0 if none); with ``wait_for``, ask until that many are
    counted (RabbitMQ counts a message just published a moment later)."""
    if wait_for is not None:
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: lengths([name])[name] >= wait_for, timeout,
                       f"큐 {name}에 메시지 {wait_for}개", interval=0.05)
    return lengths([name])[name]


def purge(name: str) -> int:
    """Throw away the messages waiting in ``name``; return how many. The queue stays: kombu would
    not declare again a queue it declared on a pooled connection, and RabbitMQ would drop the next
    message sent to a deleted one."""
    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_purge(name) or 0
        except conn.channel_errors:  # RabbitMQ: no such queue
            return 0
