"""Chapter 08: one I/O-bound task and one CPU-bound task, to time each pool with."""
import time

from ..app import app

#: Loop rounds of ``burn``: about half a second of pure Python on the course machine.
ROUNDS = 12_000_000


@app.task
def io_wait(seconds=0.5):
    """네트워크 응답을 기다리듯 잠듭니다. 기다리는 동안 CPU를 쓰지 않습니다."""
    time.sleep(seconds)
    return seconds


@app.task
def burn(rounds=ROUNDS):
    """순수 파이썬 계산만 합니다. 도는 내내 GIL을 쥐고 있습니다.

    시작과 끝 시각(start, end), 걸린 시간(wall), 그동안 이 스레드가 실제로 받은 CPU 시간(cpu)을
    돌려줍니다. wall과 cpu의 차이는 CPU나 GIL을 기다린 시간입니다.
    """
    start, wall, cpu = time.time(), time.perf_counter(), time.thread_time()
    total = 0
    for i in range(rounds):
        total += i * i % 7
    return {"start": start, "end": time.time(), "wall": time.perf_counter() - wall,
            "cpu": time.thread_time() - cpu}
