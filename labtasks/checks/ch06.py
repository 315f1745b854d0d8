"""06장 연습문제의 확인 함수. 답을 어떻게 판정하는지 읽어 볼 수 있습니다."""
import random

from celery.canvas import Signature, group

from ..app import app
from ..handle import lab
from ..tasks.db import ThreadLocalDatabaseTask
from . import arguments, ask, judge


def 연습_1(답):
    """threads 풀에서 네 태스크가 동시에 DB를 써도 실패하지 않는 group인지 봅니다."""
    def test(답):
        assert isinstance(답, group), "태스크 네 개를 group으로 묶으세요."
        assert len(답.tasks) == 4, "group에 태스크가 네 개 있어야 합니다."
        for sig in 답.tasks:
            assert isinstance(sig, Signature), "group에는 시그니처를 넣으세요(.s())."
            task = app.tasks.get(sig.task)
            assert isinstance(task, ThreadLocalDatabaseTask), \
                "클래스에 연결 하나를 두는 태스크는 다른 스레드에서 실패합니다. 스레드마다 연결을 두는 태스크를 쓰세요."
            assert arguments(sig).get("pause", 0) >= 0.3, \
                "태스크마다 0.3초씩 쉬게 하세요(pause). 그래야 네 태스크가 정말 동시에 돕니다."
        lab.worker("db-threads", queues=["db"], pool="threads", concurrency=4)
        try:
            결과 = 답.clone().apply_async().get(timeout=10, propagate=False)
        except Exception:
            raise AssertionError("10초 안에 끝나지 않았습니다. db 큐로 가는 태스크인가요?") from None
        assert not [r for r in 결과 if isinstance(r, Exception)], "실행하다 실패한 태스크가 있습니다."
        assert 결과 == [420] * 4, "태스크가 쿼리 결과를 돌려주어야 합니다."
    judge("06", 1, 답, test)


def _run(where: str) -> dict:
    """풀 이름을 가린 기록: 태스크가 메인 프로세스(where="메인")나 자식에서 실행된 워커. 4절의
    기록과 같은 모양이고, pid는 부를 때마다 새로 정합니다."""
    main = random.randrange(1000, 30000)
    kids = [main + random.randrange(1, 40) * (i + 1) for i in range(2)]
    if where == "메인":
        at = [(main, "ThreadPoolExecutor-0_0", 0), (main, "ThreadPoolExecutor-0_1", 0)]
        start = [("signal", "worker_init", main, "MainThread", 1)]
    else:
        at = [(kids[1], "MainThread", 1), (kids[0], "MainThread", 1)]
        start = [("signal", "worker_init", main, "MainThread", 1)] + [
            ("signal", "worker_process_init", kid, "MainThread", 1) for kid in kids]
    tasks = [event for pid, thread, main_thread in at for event in (
        ("signal", "task_prerun", pid, thread, main_thread),
        ("open", "db_call", pid, thread, main_thread),
        ("signal", "task_postrun", pid, thread, main_thread))]
    end = ([("signal", "worker_process_shutdown", kid, "MainThread", 1) for kid in kids]
           if where != "메인" else []) + [("signal", "worker_shutdown", main, "MainThread", 1)]
    keys = ("kind", "label", "pid", "thread", "main_thread")
    events = [dict(zip(keys, e, strict=True), id=i + 1) for i, e in enumerate(start + tasks + end)]
    return {"pool": "?", "main_pid": main, "results": [420, 420], "events": events}


def 연습_2(답):
    """기록을 보고 닫는 시그널을 고르는 함수인지, 풀 이름을 가린 기록(자식, 메인, 두 번씩)으로 봅니다."""
    def test(답):
        assert callable(답), "run 딕셔너리를 받는 함수를 답으로 주세요."
        for _ in range(2):
            got = ask(답, _run("자식"), when="태스크가 자식 프로세스에서 실행된 기록에")
            assert got == "worker_process_shutdown", \
                "태스크가 자식 프로세스에서 실행된 워커에서는 어느 시그널이 그 자식 안에서 발생했나요?"
            got = ask(답, _run("메인"), when="태스크가 메인 프로세스에서 실행된 기록에")
            assert got == "worker_shutdown", \
                "태스크가 메인 프로세스에서 실행된 워커에서는 어느 시그널이 발생했나요?"
    judge("06", 2, 답, test)
