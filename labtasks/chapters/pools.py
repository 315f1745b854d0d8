"""Chapter 08, the kernel's side: time a batch on each pool, plot it, start a worker under
taskset. The tasks are in ``labtasks.tasks.pools``."""
import shutil
import time

from celery import group

from ..display import Table
from ..errors import LabError
from ..handle import lab
from ..tasks.pools import ONE_SECOND_OF_CPU, burn, io_wait  # noqa: F401


#: The two batches of the chapter: (task signature, how many).
BATCHES = {"I/O": (io_wait.s(0.5), 20), "CPU": (burn.s(), 4)}


def time_batch(sig, n: int, timeout: float = 120) -> tuple[float, list]:
    """Seconds from sending ``n`` copies of ``sig`` as a group until every result is back."""
    began = time.monotonic()
    results = group(sig.clone() for _ in range(n))().get(timeout=timeout)
    return time.monotonic() - began, results


def measure(pool: str, concurrency: int, batches=("I/O", "CPU")) -> dict[str, float]:
    """Start a worker with ``pool``, time each batch on it, stop it.

    For the CPU batch it also gives ``"CPU 병렬도"``: the CPU seconds all ``burn`` tasks got,
    divided by the batch's seconds, i.e. how many CPUs worked on the batch at once on average.
    """
    w = lab.worker(f"pool-{pool}", queues=["pools"], pool=pool, concurrency=concurrency)
    timings = {}
    try:
        for name in batches:
            timings[name], results = time_batch(BATCHES[name][0].set(queue="pools"),
                                                BATCHES[name][1])
            if name == "CPU":
                timings["CPU 병렬도"] = sum(r["cpu"] for r in results) / timings[name]
        return timings
    finally:
        w.stop()


class Timings(Table, dict):
    """{pool: {batch: seconds}}; shows as a table of seconds."""

    headers, caption = ["풀", "I/O 배치", "CPU 배치", "CPU 병렬도"], "걸린 시간"

    def rows(self):
        return [[pool] + [f"{t[b]:.2f} s" if b in t else "—" for b in BATCHES]
                + [f"{t['CPU 병렬도']:.2f}" if "CPU 병렬도" in t else "—"]
                for pool, t in self.items()]


def plot(timings: Timings, labels: dict[str, str] | None = None):
    """Grouped bars: one group per batch, one bar per pool."""
    import matplotlib.pyplot as plt
    labels = labels or {}
    pools = list(timings)
    fig, axes = plt.subplots(1, len(BATCHES), figsize=(10, 3.6))
    for ax, batch in zip(axes, BATCHES):
        shown = [p for p in pools if batch in timings[p]]
        values = [timings[p][batch] for p in shown]
        bars = ax.bar([labels.get(p, p) for p in shown], values,
                      color=["#4c72b0", "#55a868", "#c44e52", "#8172b2"][:len(shown)])
        ax.bar_label(bars, fmt="%.1f s")
        sig, n = BATCHES[batch]
        ax.set_title(f"{batch} batch: {n} x {sig.name.rsplit('.', 1)[-1]}")
        ax.set_ylabel("seconds (lower is better)")
        ax.set_ylim(0, max(values) * 1.2)
    fig.tight_layout()
    return fig


def start_pinned(cpus: str = "0", concurrency: str | None = None, name: str = "pinned"):
    """A worker started as ``taskset -c CPUS celery … worker`` (``-c`` only when given)."""
    if shutil.which("taskset") is None:
        raise LabError("taskset 명령이 없습니다 (util-linux). Linux에서 실행하세요.")
    options = ["-c", concurrency] if concurrency else []
    return lab.worker(name, queues=[name], concurrency=0, options=options,
                      prefix=("taskset", "-c", cpus))


def banner_concurrency(worker) -> int:
    """The number after ``concurrency:`` in a worker's startup banner."""
    for line in worker.logs(200):
        if "concurrency:" in line:
            return int(line.split("concurrency:")[1].split()[0])
    raise ValueError("배너에 concurrency 줄이 없습니다")

