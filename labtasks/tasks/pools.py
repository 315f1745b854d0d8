"""Chapter 08: one I/O-bound task and one CPU-bound task, to time each pool with."""
import time

from ..app import app

#: Loop rounds of ``burn`` that take roughly one second of pure Python on the course machine.
ONE_SECOND_OF_CPU = 12_000_000


@app.task
def io_wait(seconds=0.5):
    """Wait like a network call does: the process sleeps and holds no CPU."""
    time.sleep(seconds)
    return seconds


@app.task
def burn(rounds=ONE_SECOND_OF_CPU):
    """Pure-Python arithmetic: holds the GIL the whole time.

    Returns how long it took and how much CPU its own thread got meanwhile: the difference is
    time spent waiting for a CPU or for the GIL.
    """
    wall, cpu = time.perf_counter(), time.thread_time()
    total = 0
    for i in range(rounds):
        total += i * i % 7
    return {"wall": time.perf_counter() - wall, "cpu": time.thread_time() - cpu}


# --- the kernel's side: time a batch on each pool, plot it, run a worker under taskset --------

#: The two batches of the chapter: (task signature, how many).
BATCHES = {"I/O": (io_wait.s(0.5), 20), "CPU": (burn.s(), 4)}


def time_batch(sig, n: int, timeout: float = 120) -> tuple[float, list]:
    """Seconds from sending ``n`` copies of ``sig`` as a group until every result is back."""
    from celery import group
    began = time.monotonic()
    results = group(sig.clone() for _ in range(n))().get(timeout=timeout)
    return time.monotonic() - began, results


def measure(pool: str, concurrency: int, batches=("I/O", "CPU")) -> dict[str, float]:
    """Start a worker with ``pool``, time each batch on it, stop it.

    For the CPU batch it also gives ``"CPU 병렬도"``: the CPU seconds all ``burn`` tasks got,
    divided by the batch's seconds, i.e. how many CPUs worked on the batch at once on average.
    """
    from .. import lab
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


class Timings(dict):
    """{pool: {batch: seconds}}; shows as a table of seconds."""

    def rows(self):
        return [[pool] + [f"{t[b]:.2f} s" if b in t else "—" for b in BATCHES]
                + [f"{t['CPU 병렬도']:.2f}" if "CPU 병렬도" in t else "—"]
                for pool, t in self.items()]

    headers = ["풀", "I/O 배치", "CPU 배치", "CPU 병렬도"]

    def __repr__(self):
        from ..display import text_table
        return text_table(self.headers, self.rows())

    def _repr_html_(self):
        from ..display import table
        return table(self.headers, self.rows(), caption="걸린 시간")


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
    """A worker started as ``taskset -c CPUS celery … worker``; returns (process, log path).

    ``lab.worker`` has no way to put a command in front of the worker, so this starts one
    with the same machinery (own process group, dies with the kernel). Stop it with
    ``stop_pinned``.
    """
    import shutil
    import sys

    from .. import children, settings
    from ..errors import LabError
    from ..workers import ping
    if shutil.which("taskset") is None:
        raise LabError("taskset 명령이 없습니다 (util-linux). Linux에서 실행하세요.")
    log = settings.run_dir() / f"worker-{name}.log"
    log.write_bytes(b"")
    args = ["-P", "prefork", "-n", f"{name}@%h", "-Q", name, "--without-mingle",
            "--without-gossip", "-l", "INFO"] + (["-c", concurrency] if concurrency else [])
    argv = ["taskset", "-c", cpus, sys.executable, "-m", "labtasks.worker_main", *args]
    proc = children.spawn(argv, log=log, kind="worker", name=name, env=settings.child_env())
    nodename = f"{name}@{__import__('socket').gethostname()}"
    deadline = time.monotonic() + 30
    while not ping(nodename, 1.0):
        if proc.poll() is not None or time.monotonic() > deadline:
            children.stop(proc)
            raise LabError(f"{name} 워커가 뜨지 않았습니다:\n{log.read_text()[-2000:]}")
    return proc, log


def banner_concurrency(log) -> int:
    """The number after ``concurrency:`` in a worker's startup banner."""
    for line in log.read_text().splitlines():
        if "concurrency:" in line:
            return int(line.split("concurrency:")[1].split()[0])
    raise ValueError("배너에 concurrency 줄이 없습니다")


def stop_pinned(proc) -> None:
    from .. import children
    children.stop(proc)
