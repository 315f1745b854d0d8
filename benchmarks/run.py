"""Measure the lab against raw Celery, all in one invocation so that ratios hold on a noisy machine.

    python benchmarks/run.py            # a readable table
    python benchmarks/run.py --json     # the table, then one JSON object as the last line
    python benchmarks/run.py --quick    # fewer repetitions (what CI runs)
    python benchmarks/run.py --suite    # also time the README test command, per notebook

Every number is a median of several runs. Nothing here fails on a number.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
    from celery import Celery, chord

    import psutil

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

    raw = Celery("raw", broker=settings.broker_url(), backend=settings.result_backend())
    raw.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])

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

    lab_send = lambda i: add.delay(i, i)  # noqa: E731
    raw_send = lambda i: raw.send_task(add.name, args=(i, i))  # noqa: E731
    rt_lab, rt_raw, tp_lab, tp_raw = [], [], [], []
    for _ in range(2 if quick else 3):  # alternate, so drift hits both
        rt_lab.append(roundtrip_ms(lab_send))
        rt_raw.append(roundtrip_ms(raw_send))
        tp_lab.append(throughput(lab_send))
        tp_raw.append(throughput(raw_send))
    figures["roundtrip_p50_ms_lab"] = median(rt_lab)
    figures["roundtrip_p50_ms_raw"] = median(rt_raw)
    figures["throughput_lab"] = median(tp_lab)
    figures["throughput_raw"] = median(tp_raw)

    chords = []
    for _ in range(runs):
        began = time.perf_counter()
        assert chord(add.s(i, i) for i in range(100))(xsum.s()).get(timeout=60) == 9900
        chords.append(time.perf_counter() - began)
    figures["chord100_s"] = median(chords)
    lab.down()
    return figures


def suite() -> dict:
    """The README test command's pytest, with each notebook's total duration."""
    began = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "--durations=0"], cwd=ROOT,
                         capture_output=True, text=True, env=clean_env())
    per_file: dict[str, float] = {}
    for seconds, path in re.findall(r"^([\d.]+)s \w+\s+(\S+?)::", out.stdout, flags=re.M):
        per_file[path] = per_file.get(path, 0.0) + float(seconds)
    return {"suite_s": time.monotonic() - began, "suite_passed": out.returncode == 0,
            "suite_per_file_s": {k: round(v, 1) for k, v in sorted(per_file.items())}}


GOALS = {
    "first_result_s": "≤ 0.45 s, ≥ 3× faster than default_celery_first_result_s",
    "stop_s": "≤ 0.5 s",
    "roundtrip_p50_ms_lab": "≤ 5 % over roundtrip_p50_ms_raw",
    "throughput_lab": "≥ 95 % of throughput_raw",
    "suite_s": "≤ 120 s",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--suite", action="store_true")
    args = parser.parse_args()
    figures = measure(args.quick)
    if args.suite:
        figures.update(suite())
    print(f"{'figure':34} {'value':>10}  goal")
    for key, value in figures.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            print(f"{key:34} {value:10.3f}  {GOALS.get(key, '')}")
    print(f"{'first-result speed-up':34} "
          f"{figures['default_celery_first_result_s'] / figures['first_result_s']:9.2f}×"
          f"  (vs the lab's flags: "
          f"{figures['flags_celery_first_result_s'] / figures['first_result_s']:.2f}×)")
    print(f"{'round-trip overhead':34} "
          f"{100 * (figures['roundtrip_p50_ms_lab'] / figures['roundtrip_p50_ms_raw'] - 1):9.1f} %")
    print(f"{'throughput ratio':34} "
          f"{100 * figures['throughput_lab'] / figures['throughput_raw']:9.1f} %")
    if args.json:
        print(json.dumps({k: round(v, 4) if isinstance(v, float) else v
                          for k, v in figures.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
