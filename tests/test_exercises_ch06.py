"""Chapter 06's exercises: each solution passes, a valid alternative form passes, plausible wrong
answers fail with a hint, the placeholder only reminds. Workers run in-process as in the notebook."""
import pytest
from celery import chain, group

from labtasks import lab
from labtasks.chapters import db
from labtasks.checks import ch06 as 확인


@pytest.fixture(scope="module")
def workers():
    lab.up()
    db.worker("db", pool="prefork", concurrency=2)
    yield
    lab.down()
    db.teardown()  # the kernels nbval starts later must not inherit this process's file


def test_placeholders_only_remind(capsys):
    assert 확인.연습_1(...) is None and 확인.연습_2(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 2


def test_exercise_1(workers):
    확인.연습_1(group(db.db_call_threadsafe.s(pause=0.3) for _ in range(4)))
    확인.연습_1(group(db.db_call_threadsafe.s(pause=0.3) for _ in range(4)))  # twice, same verdict
    확인.연습_1(group([db.db_call_threadsafe.signature((0.3,))] * 4))  # positional


@pytest.mark.parametrize("wrong", [
    group(db.db_call.s(pause=0.3) for _ in range(4)),            # one connection on the class
    [420, 420, 420, 420],                                         # the literal results
    group(db.db_call_threadsafe.s(pause=0.3) for _ in range(3)),  # not four
    chain(db.db_call_threadsafe.si(pause=0.3) for _ in range(4)),  # one after another
    group(db.db_query.s() for _ in range(4)),                     # None in the threads pool
    group(db.db_call_threadsafe.s() for _ in range(4)),           # no pause: they need not overlap
], ids=["class-connection", "literal", "three", "chain", "process-connection", "no-pause"])
def test_exercise_1_wrong(workers, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        확인.연습_1(wrong)


def 닫는_시그널(run):
    자식에서 = any(e["label"] == "task_prerun" and e["pid"] != run["main_pid"] for e in run["events"])
    return "worker_process_shutdown" if 자식에서 else "worker_shutdown"


def by_shutdown_signal(run):
    """Another valid reading: a worker whose children said worker_process_shutdown ran tasks there."""
    labels = {e["label"] for e in run["events"] if e["pid"] != run["main_pid"]}
    return "worker_process_shutdown" if "task_prerun" in labels else "worker_shutdown"


def test_exercise_2():
    확인.연습_2(닫는_시그널)
    확인.연습_2(by_shutdown_signal)


@pytest.mark.parametrize("wrong", [
    "worker_shutdown",                                             # a literal name
    lambda run: "worker_shutdown",                                 # the same for every worker
    lambda run: {"prefork": "worker_process_shutdown"}.get(run["pool"], "worker_shutdown"),  # by pool
    lambda run: "worker_shutdown" if 닫는_시그널(run) != "worker_shutdown" else "worker_process_shutdown",
    lambda run: "worker_process_shutdown" if run["events"][1]["pid"] == 101 else "worker_shutdown",
    lambda run: ("worker_process_shutdown" if any(not e["main_thread"] for e in run["events"])
                 else "worker_shutdown"),                          # thread, not process
    lambda run: run["events"]["task_prerun"],                      # raises: a hint, not a KeyError
], ids=["literal", "constant", "by-pool-name", "inverted", "hard-coded-pid", "by-thread", "raises"])
def test_exercise_2_wrong(wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        확인.연습_2(wrong)
