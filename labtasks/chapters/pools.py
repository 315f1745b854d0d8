"""Chapter 08, the kernel's side: one worker per pool, a timed I/O batch and CPU batch on each,
the CPU each task got, a plot, and a worker started under taskset. The tasks are in
``labtasks.tasks.pools``."""
import math
import os
import shutil
import time
from pathlib import Path

from celery import group

from ..display import Table
from ..errors import LabError
from ..handle import lab
from ..tasks.pools import ROUNDS, burn, io_wait

#: The chapter's workers: pool -> concurrency.
POOLS = {"prefork": 2, "threads": 20, "gevent": 20, "solo": 1}
#: The two batches: (task signature, how many).
IO_BATCH = (io_wait.s(0.3), 10)
CPU_BATCH = (burn.s(ROUNDS // 2), 4)
#: The CPU batch runs this many times. Each time it goes to every CPU pool at once, so that a
#: load that comes and goes on a busy machine falls on all of them alike.
CPU_ROUNDS = 2


def start_workers(pools=POOLS) -> dict:
    """One worker per pool, each on its own queue ``pool-<name>``."""
    return {p: lab.worker(f"pool-{p}", queues=[f"pool-{p}"], pool=p, concurrency=c)
            for p, c in pools.items()}


def send_batch(pool: str, batch):
    """Send the batch to ``pool``'s worker; return its GroupResult."""
    sig, n = batch
    return group(sig.clone() for _ in range(n)).apply_async(queue=f"pool-{pool}")


def run_batch(pool: str, batch, timeout: float = 60) -> tuple[float, list]:
    """Seconds from sending the batch to ``pool``'s worker until every result is back."""
    began = time.monotonic()
    values = send_batch(pool, batch).get(timeout=timeout)
    return time.monotonic() - began, values


def io_batches(pools, timeout: float = 60) -> dict[str, float]:
    """The I/O batch sent to every pool at once (its tasks only sleep, so the pools do not slow
    each other down): seconds from sending until each pool's last result was back."""
    began = time.monotonic()
    sent = {pool: send_batch(pool, IO_BATCH) for pool in pools}
    done = {}
    while len(done) < len(sent):
        if time.monotonic() - began > timeout:
            late = sorted(set(sent) - set(done))
            raise LabError(f"I/O 배치가 {timeout:g}초 안에 끝나지 않았습니다: {late}")
        for pool, results in sent.items():
            if pool not in done and results.ready():
                done[pool] = time.monotonic() - began
        time.sleep(0.02)
    for results in sent.values():
        results.get(timeout=timeout)  # a failed task raises here
    return {pool: done[pool] for pool in pools}


def measure(io_pools=tuple(POOLS), cpu_pools=("prefork", "threads")) -> "Timings":
    """Time the I/O batch on all of ``io_pools`` at once, then the CPU batch on ``cpu_pools``
    at once.

    For the CPU batch: ``CPU 배치`` is the seconds from sending until its last task ended,
    ``태스크당 CPU`` the CPU seconds one ``burn`` got (the same work everywhere), ``CPU 병렬도``
    the CPU seconds of all tasks divided by the seconds from the first task's start to the last
    one's end (the tasks' own clocks, so the messaging around them does not count): how many CPUs
    worked on the batch at once, on average; ``계산 시간 비율`` the share of a task's own
    running time in which it computed (the rest it waited for a CPU or, in threads, for the GIL).
    """
    timings = Timings({p: {} for p in io_pools})
    for pool, seconds in io_batches(io_pools).items():
        timings[pool]["I/O 배치"] = seconds
    spent = {p: [0.0, 0.0, 0.0, 0.0, 0] for p in cpu_pools}  # batch, span, CPU, task wall s; tasks
    for _ in range(CPU_ROUNDS):
        began = time.time()
        sent = {pool: send_batch(pool, CPU_BATCH) for pool in cpu_pools}
        for pool, results in sent.items():
            values = results.get(timeout=60)
            spent[pool][0] += max(r["end"] for r in values) - began
            spent[pool][1] += max(r["end"] for r in values) - min(r["start"] for r in values)
            spent[pool][2] += sum(r["cpu"] for r in values)
            spent[pool][3] += sum(r["wall"] for r in values)
            spent[pool][4] += len(values)
    for pool, (wall, span, cpu, running, n) in spent.items():
        timings[pool].update({"CPU 배치": wall / CPU_ROUNDS, "태스크당 CPU": cpu / n,
                              "CPU 병렬도": cpu / span, "계산 시간 비율": cpu / running})
    return timings


class Timings(Table, dict):
    """{pool: {column: value}}; shows as a table."""

    headers = ["풀", "I/O 배치", "CPU 배치", "태스크당 CPU", "CPU 병렬도", "계산 시간 비율"]
    caption = "잰 값"

    def rows(self):
        def cell(t, key):
            if key not in t:
                return "—"
            return f"{t[key]:.2f}" + ("" if key in ("CPU 병렬도", "계산 시간 비율") else " s")
        return [[pool] + [cell(t, k) for k in self.headers[1:]] for pool, t in self.items()]


def plot(timings: Timings, labels: dict[str, str] | None = None):
    """Four panels: the I/O batch's seconds, the CPU batch's seconds, its CPU parallelism and the
    share of their running time the tasks computed."""
    import koreanize_matplotlib  # noqa: F401 - a Hangul font for the titles and labels
    import matplotlib.pyplot as plt
    labels = labels or {}
    colours = {"prefork": "#4c72b0", "threads": "#55a868", "gevent": "#c44e52", "solo": "#8172b2"}
    panels = [("I/O 배치", f"I/O 배치: io_wait {IO_BATCH[1]}개", "걸린 시간(초, 낮을수록 좋음)", "%.2f s"),
              ("CPU 배치", f"CPU 배치: burn {CPU_BATCH[1]}개", "걸린 시간(초, 낮을수록 좋음)", "%.2f s"),
              ("CPU 병렬도", "CPU 배치의 CPU 병렬도", "함께 일한 CPU 수(평균)", "%.2f"),
              ("계산 시간 비율", "CPU 배치: 계산 시간 비율", "도는 시간 중 계산 시간 비율", "%.2f")]
    fig, axes = plt.subplots(1, len(panels), figsize=(15, 3.6))
    for ax, (key, title, ylabel, fmt) in zip(axes, panels, strict=True):
        shown = [p for p in timings if key in timings[p]]
        values = [timings[p][key] for p in shown]
        bars = ax.bar([labels.get(p, p).replace(" ", "\n") for p in shown], values,
                      color=[colours.get(p, "#999999") for p in shown])
        ax.bar_label(bars, fmt=fmt)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, max(values + [1.0]) * 1.25)
    axes[2].axhline(1, color="#888888", linestyle="--", linewidth=1)  # what the GIL allows threads
    fig.tight_layout()
    return fig


def start_pinned(cpus: str = "0", concurrency: str | None = None, name: str = "pinned"):
    """A worker started as ``taskset -c CPUS celery … worker`` (``-c`` only when given)."""
    if shutil.which("taskset") is None:
        raise LabError("taskset 명령이 없습니다 (util-linux). Linux에서 실행하세요.")
    options = ["-c", concurrency] if concurrency else []
    return lab.worker(name, queues=[name], concurrency=None, options=options,
                      prefix=("taskset", "-c", cpus))


def banner_lines(worker) -> list[str]:
    """The lines of a worker's startup log that say its concurrency (banner, ``auto``)."""
    return [line.split("] ", 1)[-1].lstrip("- *>.") for line in worker.logs(200)
            if "concurrency:" in line or "worker_concurrency='auto'" in line]


def banner_concurrency(worker) -> int:
    """The number after ``concurrency:`` in a worker's startup banner."""
    for line in banner_lines(worker):
        if "concurrency:" in line:
            return int(line.split("concurrency:")[1].split()[0])
    raise ValueError("배너에 concurrency 줄이 없습니다")


def cpu_quota() -> tuple[str, float | None]:
    """The cgroup CPU quota of this machine or container, as (what the file says, CPUs).

    cgroup v2 keeps it in ``cpu.max`` ("150000 100000" after ``docker run --cpus=1.5``, "max
    100000" without a limit); cgroup v1 in ``cpu.cfs_quota_us`` and ``cpu.cfs_period_us``.
    """
    root = Path("/sys/fs/cgroup")
    if (root / "cpu.max").exists():
        text = (root / "cpu.max").read_text().strip()
        quota, period = text.split()
        shown = f"cpu.max: {text}"
    elif (root / "cpu" / "cpu.cfs_quota_us").exists():
        quota = (root / "cpu" / "cpu.cfs_quota_us").read_text().strip()
        period = (root / "cpu" / "cpu.cfs_period_us").read_text().strip()
        shown = f"cpu/cpu.cfs_quota_us: {quota}, cpu/cpu.cfs_period_us: {period}"
    else:
        return "cgroup CPU 파일 없음", None
    limited = quota not in ("max", "-1")
    return shown, int(quota) / int(period) if limited else None


def auto_concurrency(affinity: int, quota: float | None) -> int:
    """What ``-c auto`` gives a prefork worker: the usable CPUs, capped by the quota rounded up."""
    return affinity if quota is None else min(affinity, max(1, math.ceil(quota)))


def usable_cpus(pid: int = 0) -> int:
    """The CPUs the scheduler lets process ``pid`` run on (0: this one)."""
    return len(os.sched_getaffinity(pid))
