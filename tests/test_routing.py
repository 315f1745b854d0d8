"""Chapter 03's routing: task_routes, the router function, and a message left in a wrong queue."""
import gc

from labtasks import app, lab
from labtasks.chapters import queues
from labtasks.tasks import add, call, normal_call, urgent_call


def queue_of(name, args=(), kwargs=None, **options):
    return app.amqp.router.route(options, name, args, kwargs)["queue"].name


def test_routes_by_name_router_and_call_options():
    assert normal_call.name == "normal_call" and urgent_call.name == "urgent_call"
    assert queue_of("normal_call") == "low_priority"
    assert queue_of("urgent_call") == "high_priority"
    assert queue_of(add.name) == "celery"
    assert queue_of(call.name) == "low_priority"
    assert queue_of(call.name, (), {"priority": "high"}) == "high_priority"
    assert queue_of("normal_call", queue="high_priority") == "high_priority"  # the call wins


def test_a_task_name_as_queue_waits_unconsumed_then_purged():
    lab.up()
    try:
        queues.purge("urgent_call")
        lab.worker("rt_high", queues=["high_priority"], concurrency=1)
        wrong = urgent_call.apply_async(queue="urgent_call")
        assert queues.length("urgent_call", wait_for=1) == 1
        assert wrong.state == "PENDING"
        assert queues.purge("urgent_call") == 1
        assert queues.length("urgent_call") == 0
        assert queues.length("no_such_queue") == 0  # a passive look does not create it
        right = urgent_call.apply_async(queue="high_priority")
        assert right.get(timeout=15)["queue"] == "high_priority"
        del wrong, right  # let go of their backend subscriptions while the backend still runs
        gc.collect()
    finally:
        lab.down()
