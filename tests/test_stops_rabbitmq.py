"""Stopping a worker loses nothing on RabbitMQ (the machine's, a vhost of its own, with a Redis
result backend), for every pool (the tests are in tests/stops.py)."""
import os
import shutil
import subprocess

import pytest
from stops import (  # noqa: F401 - the tests and the fixture up
    test_a_killed_worker_leaves_its_message_unacknowledged_and_the_count_sees_it,
    test_a_quick_stop_loses_no_acknowledgement,
    test_a_stop_finishes_the_running_and_the_reserved_tasks,
    test_a_stop_gives_back_a_task_held_for_its_eta,
    up,
)

from labtasks import settings
from labtasks.app import forget_connections

pytestmark = pytest.mark.skipif(bool(settings.workers_are_external()),
                                reason="about workers the kernel starts")


@pytest.fixture(scope="module")
def broker():
    pytest.importorskip("amqp")
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("no RabbitMQ on this machine (rabbitmqctl)")
    vhost = f"h-machinery-{os.getpid()}"  # apart from any other run on this machine
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True)
    made = subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], capture_output=True)
    if made.returncode != 0:
        pytest.skip("no RabbitMQ on this machine")
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
                   check=True)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CELERY_BROKER_URL", f"amqp://guest:guest@127.0.0.1:5672/{vhost}")
        env.setenv("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/11")
        forget_connections()
        yield "rabbitmq"
    forget_connections()
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True)
