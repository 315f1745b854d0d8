"""At-least-once delivery with real processes: SIGKILL a worker in the middle of 100 acks_late
tasks, start a replacement, and every result still arrives. Re-executions are counted and shown.

Runs in a fresh interpreter, as a notebook's kernel would run it. The broker
is the embedded Redis, or the one ``CELERY_BROKER_URL`` names (the RabbitMQ leg of CI).
"""
import os

from conftest import group_members, last_json, run_python, wait_gone

SCRIPT = """
import json
from labtasks import app, lab
from labtasks.chapters import failures
lab.up()
try:
    run = dict(failures.crash_run(failures.record_once, n=100, seconds=0.05, kill_after=20,
                                  idle=20.0, queue="reliability"))
    with app.connection() as conn:
        if conn.transport.driver_type == "redis":  # what the broker still holds
            broker = conn.default_channel.client
            run["left"] = dict(queued=broker.llen("reliability"), unacked=broker.hlen("unacked"),
                               unacked_index=broker.zcard("unacked_index"),
                               restore_lock=broker.exists("unacked_mutex"))
finally:
    lab.down()
print(json.dumps(run))
"""


def test_acks_late_survives_sigkill(capsys):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABTASKS_")}
    run = last_json(run_python(SCRIPT, env=env, timeout=240))
    with capsys.disabled():
        print(f"\n[reliability] sent {run['sent']}, results {run['done']}, executions "
              f"{run['executions']} ({run['executions'] - run['sent']} re-executions, "
              f"{run['repeated']} tasks ran more than once), effects {run['effects']}; "
              f"left in the broker (Redis only): {run.get('left')}")
    assert run["done"] == run["sent"] == 100, str(run)  # a str: shown whole, not shortened
    assert run["effects"] == 100, run            # idempotent: one effect per task
    assert run["executions"] >= 100, run         # at least once
    assert run["executions"] > 100, "the killed worker's tasks ran again"  # it died mid-run
    for pid in run["worker_pids"]:               # the killed worker and the replacement: gone
        assert not wait_gone(group_members(pid), within=10), f"worker group {pid} left behind"
