"""The one way the lab waits: ask a condition again until it holds, or say in Korean what never came."""
import time


def wait_until(condition, timeout: float, what: str, interval: float = 0.02):
    """Return the first truthy value of ``condition()``; after ``timeout`` seconds raise
    ``TimeoutError`` naming ``what`` was awaited. An exception from ``condition`` ends the wait."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: {timeout:g}초를 기다렸지만 이루어지지 않았습니다.")
        time.sleep(interval)
