"""Kernel-backed workers: ready on return, idempotent by name, logs, stop, and a clear error."""
from conftest import last_json, run_python, wait_gone


def test_worker_start_is_idempotent_and_stop_and_logs_work():
    info = last_json(run_python("""
        import json
        from labtasks import lab
        from labtasks.tasks import add
        lab.up()
        w = lab.worker("w1", concurrency=2)
        same = lab.worker("w1", concurrency=2)
        info = {"same_object": same is w, "pid": w.pid, "forked": type(w.proc).__name__,
                "result": add.delay(1, 2).get(timeout=10)}
        from conftest import group_members
        info["group"] = group_members(w.pid)
        info["ready_logged"] = any(line.endswith(" ready.") for line in w.logs(50))
        info["last_two"] = len(w.logs(2))
        changed = lab.worker("w1", concurrency=1)
        info["restarted"] = changed is not w and changed.pid != info["pid"]
        info["old_alive"] = w.alive()
        info["new_pid"] = changed.pid
        info["new_group"] = group_members(changed.pid)
        info["stop_returns_seconds"] = isinstance(changed.stop(), float)
        info["after_stop"] = changed.alive()
        info["table"] = repr(lab.workers())
        lab.down()
        print(json.dumps(info))
    """.replace("from conftest", "import sys; sys.path.insert(0, 'tests'); from conftest")))
    assert info["same_object"] and info["result"] == 3
    assert info["forked"] == "ForkedProcess"  # started by the pre-imported launcher
    assert len(info["group"]) == 3  # the worker and its two prefork children
    assert info["ready_logged"] and info["last_two"] == 2
    assert info["restarted"] and not info["old_alive"]
    assert len(info["new_group"]) == 2
    assert info["stop_returns_seconds"] and not info["after_stop"]
    assert "w1" in info["table"] and "멈춤" in info["table"]
    assert wait_gone(info["group"] + info["new_group"]) == []


def test_a_worker_that_cannot_start_gives_a_korean_error_with_its_log():
    out = run_python("""
        from labtasks import lab
        from labtasks.errors import LabError
        lab.up()
        try:
            lab.worker("broken", pool="no-such-pool")
        except LabError as exc:
            print(exc)
        finally:
            lab.down()
    """).stdout
    assert "워커 broken이(가) 시작하다 종료되었습니다" in out
    assert "no-such-pool" in out  # the worker's own complaint, from its log


def test_worker_output_goes_to_its_log_not_to_the_caller():
    proc = run_python("""
        from labtasks import lab
        from labtasks.tasks import add
        lab.up(); w = lab.worker("quiet")
        add.delay(1, 1).get(timeout=10)
        print("LOGLINES", len(w.logs(500)))
        lab.down()
    """)
    assert "ready." not in proc.stdout + proc.stderr
    assert int(proc.stdout.split("LOGLINES")[1]) > 5
