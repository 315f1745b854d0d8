"""LABTASKS_WORKERS=external (docker compose): the kernel uses a running worker of the same name,
reads its log from the shared folder, pauses it instead of killing it, adds a queue it lacks, and
starts the workers nobody runs itself. The "service" here is a real worker process started the way compose starts one.
"""
import os
import signal
import subprocess
import sys

import pytest
import redis

from conftest import ROOT, clean_env, last_json, run_python, wait_gone

BROKER = "redis://127.0.0.1:6379/11"


@pytest.fixture
def service(tmp_path):
    """A worker as a compose service runs it: another host name, its log also in a shared folder."""
    client = redis.Redis.from_url(BROKER)
    client.flushdb()
    logs = tmp_path / "worker-logs"
    env = clean_env(CELERY_BROKER_URL=BROKER, CELERY_RESULT_BACKEND=BROKER,
                    LABTASKS_WORKERS="external", LABTASKS_WORKER_LOG_DIR=str(logs))
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "labtasks", "worker", "-n", "ext1@compose-host",
         "-Q", "extq", "-P", "prefork", "-c", "1", "-l", "INFO", "--without-mingle",
         "--without-gossip"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    yield proc, env, logs
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(15)
    client.flushdb()


def test_the_kernel_uses_pauses_and_gives_back_a_service_worker(service):
    proc, env, logs = service
    info = last_json(run_python("""
        import json, time
        from labtasks import app, lab
        from labtasks.tasks import add
        lab.up()
        while not app.control.ping(destination=["ext1@compose-host"], timeout=0.5, limit=1):
            pass  # the service is still booting (run_python's timeout bounds this)
        w = lab.worker("ext1", queues=["extq"], pool="prefork", concurrency=1)
        info = {"kind": type(w).__name__, "node": w.nodename, "spec": [w.spec.queues, w.spec.pool,
                w.spec.concurrency], "result": add.apply_async((2, 3), queue="extq").get(timeout=10)}
        from labtasks.waiting import wait_until  # the worker logs "succeeded" just after the result
        info["logged"] = wait_until(lambda: [l for l in w.logs(50) if "basics.add[" in l
                                             and "succeeded" in l], 10, "the log line")
        w.stop()
        waiting = add.apply_async((1, 1), queue="extq")
        time.sleep(1.0)
        info["while_paused"] = waiting.state
        info["same"] = lab.worker("ext1", queues=["extq"], pool="prefork", concurrency=1) is w
        info["after_resume"] = waiting.get(timeout=10)
        more = lab.worker("ext1", queues=["extq", "extra"], pool="prefork", concurrency=1)
        info["extra"] = [more is w, list(w.spec.queues),
                         add.apply_async((3, 3), queue="extra").get(timeout=10)]
        own = lab.worker("own", queues=["ownq"], concurrency=1)
        info["own"] = [type(own).__name__, own.pid]
        info["table"] = repr(lab.workers())
        info["kinds"] = [p["kind"] for p in lab.processes()]
        w.stop()  # paused again: lab.down() must give it back
        lab.down()
        info["after_down"] = add.apply_async((4, 4), queue="extq").get(timeout=10)
        print(json.dumps(info))
    """, env=env, timeout=90))
    assert info["kind"] == "ExternalWorker" and info["node"] == "ext1@compose-host"
    assert info["spec"] == [["extq"], "prefork", 1]  # read from the worker itself
    assert info["result"] == 5 and info["logged"]
    assert info["while_paused"] == "PENDING" and info["same"] and info["after_resume"] == 2
    assert info["extra"] == [True, ["extq", "extra"], 6]  # add_consumer for a queue it lacked
    assert info["own"][0] == "Worker"  # no service is named "own": the kernel starts it
    assert "ext1" in info["table"] and "실행 중 (외부 워커)" in info["table"]
    assert info["kinds"].count("celery worker") == 1  # only the kernel's own worker is its process
    assert info["after_down"] == 8 and proc.poll() is None  # never killed, consuming again
    assert wait_gone([info["own"][1]]) == []
    assert sorted(p.name for p in logs.iterdir()) == ["ext1.log"]  # the kernel's worker logs apart
