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
