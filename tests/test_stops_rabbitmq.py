"""Stopping a worker loses nothing on RabbitMQ (the machine's, a vhost of its own, with a Redis
result backend), for every pool (the tests are in tests/stops.py)."""
import os
import shutil
import subprocess

import pytest
from stops import *  # noqa: F403 - the shared tests, the fixture up, KERNEL_WORKERS_ONLY

from labtasks.app import forget_connections

pytestmark = KERNEL_WORKERS_ONLY  # noqa: F405


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
