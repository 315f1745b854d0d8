"""Look into the broker's queues: how many messages wait, and throw them away.

Works the same on Redis and RabbitMQ (a passive ``queue_declare`` reports the message count on
both; it never creates the queue).
"""
from .app import app


def length(name: str) -> int:
    """Messages waiting in queue ``name`` (0 when the queue does not exist)."""
    with app.connection_for_read() as conn:
        try:
            return conn.default_channel.queue_declare(queue=name, passive=True).message_count
        except conn.channel_errors:  # RabbitMQ: NOT_FOUND closes the channel
            return 0


def purge(name: str, delete: bool = False) -> int:
    """Throw away the messages waiting in ``name`` (and the queue itself with ``delete``);
    return how many were thrown away."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        try:
            count = channel.queue_purge(name) or 0
        except conn.channel_errors:
            return 0
        if delete:
            conn.default_channel.queue_delete(name)
        return count
