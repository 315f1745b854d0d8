"""Look into the broker's queues: how many messages wait, and throw them away.

Works the same on Redis and RabbitMQ (a passive ``queue_declare`` reports the message count on
both; it never creates the queue).
"""
import time

from .app import app


def length(name: str, wait_for: int | None = None, timeout: float = 3.0) -> int:
    """Messages waiting in queue ``name`` (0 when the queue does not exist).

    With ``wait_for``, ask again until at least that many are counted or ``timeout`` passed:
    RabbitMQ may count a message published a moment ago only a little later."""
    deadline = time.monotonic() + timeout
    count = _length(name)
    while wait_for is not None and count < wait_for and time.monotonic() < deadline:
        time.sleep(0.05)
        count = _length(name)
    return count


def _length(name: str) -> int:
    with app.connection_for_read() as conn:
        try:
            return conn.default_channel.queue_declare(queue=name, passive=True).message_count
        except conn.channel_errors:  # RabbitMQ: NOT_FOUND closes the channel
            return 0


def purge(name: str) -> int:
    """Throw away the messages waiting in ``name``; return how many were thrown away.

    The queue itself stays: kombu remembers which queues it declared on a pooled connection, so
    a queue deleted behind its back would not be declared again, and RabbitMQ would drop the next
    message sent to it."""
    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_purge(name) or 0
        except conn.channel_errors:  # RabbitMQ: no such queue
            return 0
