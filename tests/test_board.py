"""The live task board: buttons clicked for real, and tasks sent from elsewhere (another cell,
Flower's REST API) appear too, with their worker and runtime."""
import json
import subprocess
import sys
import textwrap

from labserver import ROOT, clean_env


def test_board_lists_every_task_the_monitor_sees_with_worker_and_runtime():
    code = textwrap.dedent("""
        import json
        from labtasks import lab, board
        from labtasks.tasks import add, mult
        lab.up()
        w = lab.worker("bd1")
        before = add.delay(0, 0); before.get(timeout=10)   # sent before the board: not listed
        b = board.TaskBoard({"덧셈": add.s(2, 3)})
        b.click("덧셈", n=2)
        mult.delay(3, 4)                                    # from a cell
        f = lab.flower()
        f.api("task/async-apply/labtasks.tasks.basics.add", method="POST", json={"args": [1, 1]})
        b.wait(count=4)
        recs = b.records()
        import dataclasses   # a record whose early events the monitor missed: named from the backend
        unnamed = dataclasses.replace(recs[0], name=None)
        recovered = b._named(unnamed).name
        out = dict(summary=b.summary(), workers=sorted({r.worker.split("@")[0] for r in recs}),
                   runtimes=all(r.runtime is not None for r in recs), ids=[r.id for r in recs],
                   before=before.id, html=b.table.value, status=b.status.value,
                   recovered=recovered, first=recs[0].name)
        b.close()
        lab.down()
        print(json.dumps(out))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=clean_env())
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["summary"] == "add: SUCCESS 3\nmult: SUCCESS 1"
    assert out["workers"] == ["bd1"] and out["runtimes"]
    assert out["before"] not in out["ids"]
    assert out["html"].count("<tr>") == 5 and " ms</td>" in out["html"]
    assert "태스크 4개" in out["status"]
    assert out["recovered"] == out["first"] == "labtasks.tasks.basics.add"
