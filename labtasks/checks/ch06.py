"""06장 연습문제의 확인 함수. 답을 어떻게 판정하는지 읽어 볼 수 있습니다."""
from celery.canvas import Signature, group

from ..app import app
from ..handle import lab
from ..tasks.db import ThreadLocalDatabaseTask
from . import judge


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
        lab.worker("db-threads", queues=["db"], pool="threads", concurrency=4)
        결과 = 답.clone().apply_async().get(timeout=15, propagate=False)
        assert not [r for r in 결과 if isinstance(r, Exception)], "실행하다 실패한 태스크가 있습니다."
        assert 결과 == [420] * 4, "태스크가 쿼리 결과를 돌려주어야 합니다."
    judge("06", 1, 답, test)


def _run(where: str) -> dict:
    """풀 이름을 가린 가짜 기록: 태스크가 메인 프로세스(where="메인")나 자식에서 실행된 워커."""
    task_pid = 100 if where == "메인" else 101
    return {"pool": "?", "main_pid": 100, "results": [],
            "events": [{"kind": "signal", "label": "worker_init", "pid": 100},
                       {"kind": "signal", "label": "task_prerun", "pid": task_pid},
                       {"kind": "signal", "label": "task_postrun", "pid": task_pid},
                       {"kind": "signal", "label": "worker_shutdown", "pid": 100}]}


def 연습_2(답):
    """기록을 보고 닫는 시그널을 고르는 함수인지, 풀 이름을 가린 기록 두 개로 봅니다."""
    def test(답):
        assert callable(답), "`run` 딕셔너리를 받는 함수를 답으로 주세요."
        assert 답(_run("자식")) == "worker_process_shutdown", \
            "태스크가 자식 프로세스에서 실행된 워커에서는 어느 시그널이 그 자식 안에서 발생했나요?"
        assert 답(_run("메인")) == "worker_shutdown", \
            "태스크가 메인 프로세스에서 실행된 워커에서는 어느 시그널이 발생했나요?"
    judge("06", 2, 답, test)
