"""Publishing to a dead broker raises a clear Korean error within 5 s instead of retrying forever."""
import pytest

from conftest import clean_env, last_json, run_python

SEND = """
import json, time
from labtasks.errors import BrokerUnavailable
from labtasks.tasks import add
began = time.monotonic()
try:
    add.delay(1, 2)
    outcome = "sent"
except BrokerUnavailable as exc:
    outcome = str(exc)
print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - began}))
"""


@pytest.mark.parametrize("broker", [
    None,  # the embedded default, without lab.up()
    "redis://127.0.0.1:1/0",
    "amqp://guest:guest@127.0.0.1:1//",
])
def test_dead_broker_fails_fast_with_a_korean_message(broker):
    env = clean_env(**({"CELERY_BROKER_URL": broker} if broker else {}))
    info = last_json(run_python(SEND, env=env, timeout=30))
    assert "연결할 수 없습니다" in info["outcome"]
    assert "lab.up()" in info["outcome"]
    assert "guest:guest" not in info["outcome"]  # passwords are masked
    assert info["seconds"] < 5.0  # the requirement: an error within 5 s, not a hang


def test_the_lab_recovers_once_the_broker_is_up():
    info = last_json(run_python("""
        import json
        from labtasks import lab
        from labtasks.errors import BrokerUnavailable
        from labtasks.tasks import add
        try:
            add.delay(1, 2)
        except BrokerUnavailable:
            pass
        lab.up(); lab.worker("w1")
        print(json.dumps(add.delay(1, 2).get(timeout=10)))
        lab.down()
    """))
    assert info == 3
