"""How many messages wait in a broker's queues, the same on Redis and RabbitMQ: a passive
``queue_declare`` counts without ever creating the queue (``chapters.queues`` builds on it)."""
from .app import app


def lengths(names) -> dict[str, int]:
    """Messages waiting in each queue of ``names``, over one connection (a channel per queue:
    RabbitMQ closes the channel that asked for a queue it does not have)."""
    found = {}
    with app.connection_for_read() as conn:
        for name in names:
            with conn.channel() as channel:
                try:
                    found[name] = channel.queue_declare(queue=name, passive=True).message_count
                except conn.channel_errors:
                    found[name] = 0
    return found
