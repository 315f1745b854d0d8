"""Measure the lab against raw Celery, all in one invocation so that ratios hold on a noisy machine.

    python benchmarks/run.py            # a readable table
    python benchmarks/run.py --json     # the table, then one JSON object as the last line
    python benchmarks/run.py --quick    # fewer repetitions (what CI runs)
    python benchmarks/run.py --suite    # also each chapter's Run All, and the README test command
                                        # (its pytest, after the install) per test file
    python benchmarks/run.py --suite-only test-artifacts/suite-times.json
                                        # only show the times a finished test run recorded (CI)

Every number is a median of several runs. Nothing here fails on a number.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE_TIMES = ROOT / "test-artifacts" / "suite-times.json"

# A cold, kernel-like process: imports the lab, then times up + worker + first result.
FIRST_RESULT = """
import json, time
from labtasks import lab
from labtasks.tasks import add
began = time.monotonic()
lab.up()
lab.worker("bench", pool="prefork", concurrency=2)
add.delay(1, 2).get(timeout=30)
took = time.monotonic() - began
lab.down()
print(json.dumps(took))
"""

# The same with a plain `celery -A labtasks worker` on the same Redis: Celery's default flags, or
# (format with FLAGS) the flags the lab passes, so that flags and machinery are told apart.
PLAIN_CELERY = """
import json, subprocess, sys, time
from labtasks import lab, settings
from labtasks.tasks import add
lab.up()
began = time.monotonic()
proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "labtasks", "worker", *FLAGS],
                        env=settings.child_env(), stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL, start_new_session=True)
add.delay(1, 2).get(timeout=60)
took = time.monotonic() - began
import os, signal
os.killpg(proc.pid, signal.SIGKILL); proc.wait()
lab.down()
print(json.dumps(took))
"""


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "LABTASKS_"))}


def in_fresh_process(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=180, env=clean_env(), cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(values) -> float:
    return statistics.median(values)


def measure(quick: bool) -> dict:
    runs = 3 if quick else 7
    roundtrips = 50 if quick else 200
    batch = 500 if quick else 2000
    figures = {}

    # cold starts, interleaved so that both see the same machine
    lab_first, raw_first, flags_first = [], [], []
    default = PLAIN_CELERY.replace("*FLAGS", "")
    with_flags = PLAIN_CELERY.replace("*FLAGS", '"--without-mingle", "--without-gossip"')
    for _ in range(runs):
        lab_first.append(in_fresh_process(FIRST_RESULT))
        raw_first.append(in_fresh_process(default))
        flags_first.append(in_fresh_process(with_flags))
    figures["first_result_s"] = median(lab_first)
    figures["default_celery_first_result_s"] = median(raw_first)
    figures["flags_celery_first_result_s"] = median(flags_first)

    os.environ.update(clean_env())
    for key in [k for k in os.environ if k.startswith(("CELERY_", "LABTASKS_"))]:
        del os.environ[key]
    import psutil
    from celery import Celery, chord

    from labtasks import lab, settings
    from labtasks.redis_server import RedisServer
    from labtasks.tasks import add, xsum

    # embedded Redis: spawn to PING
    starts = []
    for _ in range(runs * 2):
        began = time.perf_counter()
        redis = RedisServer().start()
        starts.append(time.perf_counter() - began)
        redis.stop()
    figures["redis_start_ms"] = median(starts) * 1000

    lab.up()
    # stop of an idle worker, per pool
    for pool, key in [("prefork", "stop_s"), ("threads", "stop_s_threads"),
                      ("gevent", "stop_s_gevent")]:
        taken = []
        for i in range(runs):
            w = lab.worker(f"stop-{pool}-{i}", pool=pool, concurrency=2)
            add.delay(1, 1).get(timeout=30)
            time.sleep(0.3)  # idle
            began = time.perf_counter()
            w.stop()
            taken.append(time.perf_counter() - began)
        figures[key] = median(taken)

    w = lab.worker("bench", pool="prefork", concurrency=2)
    add.delay(0, 0).get(timeout=30)
    time.sleep(0.5)
    mine = [psutil.Process(p["pid"]) for p in lab.processes()
            if p["kind"] in ("redis-server", "celery worker")]
    mine += [c for p in mine for c in p.children(recursive=True)]
    figures["rss_mb"] = sum(p.memory_info().rss for p in mine) / 2**20

    # plain apps on the same Redis and the same worker: one as Celery ships it (JSON), one whose
    # events are on as the lab's are (task-sent from the caller, extended results)
    raw = Celery("raw", broker=settings.broker_url(), backend=settings.result_backend())
    raw.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    evented = Celery("evented", broker=settings.broker_url(), backend=settings.result_backend())
    evented.conf.update(raw.conf.changes, task_send_sent_event=True, result_extended=True)

    def roundtrip_ms(send):
        times = []
        for i in range(roundtrips):
            began = time.perf_counter()
            send(i).get(timeout=30)
            times.append((time.perf_counter() - began) * 1000)
        return median(times)

    def throughput(send):
        began = time.perf_counter()
        results = [send(i) for i in range(batch)]
        for r in results:
            r.get(timeout=120)
        return batch / (time.perf_counter() - began)

    senders = {"lab": lambda i: add.delay(i, i),
               "raw": lambda i: raw.send_task(add.name, args=(i, i)),
               "events": lambda i: evented.send_task(add.name, args=(i, i))}
    rt, tp = {k: [] for k in senders}, {k: [] for k in senders}
    for _ in range(2 if quick else 3):  # alternate, so drift hits all alike
        for key, send in senders.items():
            rt[key].append(roundtrip_ms(send))
            tp[key].append(throughput(send))
    for key in senders:
        figures[f"roundtrip_p50_ms_{key}"] = median(rt[key])
        figures[f"throughput_{key}"] = median(tp[key])

    chords = []
    for _ in range(runs):
        began = time.perf_counter()
        assert chord(add.s(i, i) for i in range(100))(xsum.s()).get(timeout=60) == 9900
        chords.append(time.perf_counter() - began)
    figures["chord100_s"] = median(chords)
    lab.down()
    return figures


def suite() -> dict:
    """The README test command's pytest, timed; seconds per test file from the JSON the root
    conftest.py writes (test-artifacts/suite-times.json), slowest first."""
    began = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, capture_output=True,
                         text=True, env=clean_env())
    figures = suite_figures(SUITE_TIMES)
    figures.update(suite_s=time.monotonic() - began, suite_passed=out.returncode == 0)
    if out.returncode != 0:  # what failed, on stderr (stdout may be the JSON)
        print(out.stdout[-6000:], file=sys.stderr)
    return figures


def chapters() -> dict:
    """Each chapter as a learner waits for it: Run All in a kernel that is already up (nbclient,
    cwd notebooks/, the embedded default), one chapter at a time; seconds per chapter."""
    import nbformat
    from nbclient import NotebookClient
    took = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        with client.setup_kernel(env=clean_env()):
            began = time.monotonic()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            took[path.stem] = round(time.monotonic() - began, 1)
    return {"chapter_run_all_s": took}


def suite_figures(path: Path) -> dict:
    recorded = json.loads(path.read_text())
    return {"suite_s": recorded["suite_s"], "suite_passed": recorded["exit_status"] == 0,
            "suite_workers": recorded["workers"], "suite_per_file_s": recorded["per_file_s"]}


def show_suite(figures: dict) -> None:
    print(f"README test command: {figures['suite_s']:.1f} s (goal ≤ 120 s), "
          f"{'passed' if figures['suite_passed'] else 'FAILED'}, "
          f"xdist workers: {figures['suite_workers'] or 'none'}")
    for path, seconds in figures["suite_per_file_s"].items():
        print(f"  {seconds:7.1f} s  {path}")


GOALS = {
    "first_result_s": "≤ 0.45 s, ≥ 4× faster than default_celery_first_result_s, "
                      "< flags_celery_first_result_s",
    "stop_s": "≤ 0.5 s",
    "stop_s_threads": "≤ 0.5 s",
    "roundtrip_p50_ms_lab": "≤ 5 % over roundtrip_p50_ms_events",
    "throughput_lab": "≥ 95 % of throughput_events",
    "suite_s": "≤ 120 s",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--suite", action="store_true")
    parser.add_argument("--suite-only", type=Path, metavar="JSON")
    args = parser.parse_args()
    if args.suite_only:
        show_suite(suite_figures(args.suite_only))
        return 0
    figures = measure(args.quick)
    if args.suite:
        figures.update(chapters())
        figures.update(suite())
        show_suite(figures)
        for chapter, seconds in figures["chapter_run_all_s"].items():
            print(f"  run-all {seconds:5.1f} s  {chapter} (goal ≤ 15 s)")
    print(f"{'figure':34} {'value':>10}  goal")
    for key, value in figures.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            print(f"{key:34} {value:10.3f}  {GOALS.get(key, '')}")
    print(f"{'first-result speed-up':34} "
          f"{figures['default_celery_first_result_s'] / figures['first_result_s']:9.2f}×"
          f"  (vs the lab's flags: "
          f"{figures['flags_celery_first_result_s'] / figures['first_result_s']:.2f}×)")
    for base in ("events", "raw"):
        print(f"{'round-trip overhead vs ' + base:34} "
              f"{100 * (figures['roundtrip_p50_ms_lab'] / figures[f'roundtrip_p50_ms_{base}'] - 1):9.1f} %")
        print(f"{'throughput ratio vs ' + base:34} "
              f"{100 * figures['throughput_lab'] / figures[f'throughput_{base}']:9.1f} %")
    if args.json:
        rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}
        SUITE_TIMES.parent.mkdir(exist_ok=True)
        (SUITE_TIMES.parent / "benchmark.json").write_text(json.dumps(rounded, indent=1))
        print(json.dumps(rounded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
