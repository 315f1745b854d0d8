"""01장 연습문제의 확인. 답을 실제로 실행해 보고 판정합니다."""
import json
import shlex
import subprocess
import sys
import time

from .. import procs, readiness, settings
from ..app import app
from ..tasks import add
from . import judge

#: the guide's ``if __name__ == '__main__'`` script, with the learner's argv
#: (and the lab's quick stop, as for every worker the lab starts)
_SCRIPT = ("import json, sys\nfrom labtasks import app\nfrom labtasks.prompt_stop import install\n\n"
           "if __name__ == '__main__':\n    install(app)\n"
           "    app.worker_main(argv=json.loads(sys.argv[1]))\n")


def 연습_1(답):
    """답: `w1`이 소비하는 큐를 보여 주는 Celery 5 명령(문자열). 실제로 실행해서 응답을 봅니다."""
    def test(명령):
        assert isinstance(명령, str) and 명령.split()[:1] == ["celery"], \
            "`celery`로 시작하는 명령을 문자열로 쓰세요."
        assert "active_queues" in 명령.split() and "inspect" in 명령.split(), \
            "inspect active_queues 서브커맨드를 쓰세요."
        try:
            run = subprocess.run(shlex.split(명령), capture_output=True, text=True, timeout=15,
                                 env=settings.child_env(), check=False)
        except subprocess.TimeoutExpired:
            raise AssertionError("명령이 15초 안에 끝나지 않았습니다. 워커를 띄우는 명령이 아니라, "
                                 "워커에게 묻는 명령을 쓰세요.") from None
        마지막 = (run.stderr.strip().splitlines() or [""])[-1]
        assert run.returncode == 0, f"명령이 실패했습니다. `-A`의 자리를 확인하세요. ({마지막})"
        w1 = [part for part in run.stdout.split("->") if part.strip().startswith("w1@")]
        assert w1 and "'name': 'celery'" in w1[0], \
            "w1이 `celery` 큐를 소비한다는 응답이 없습니다. 모든 워커에 묻거나 w1에게 물어보세요."
    judge("01", 1, 답, test)


def 연습_2(답):
    """답: `app.worker_main`에 넘길 argv(리스트). 그 argv로 워커를 실제로 띄워 태스크를 보낸 뒤 멈춥니다."""
    def test(argv):
        assert isinstance(argv, list) and all(isinstance(a, str) for a in argv), \
            "argv는 문자열의 리스트로 씁니다. 예: [\"첫째\", \"둘째\"]"
        assert "worker" in argv, "Celery 5의 worker_main은 argv에 서브커맨드 `worker`가 있어야 합니다."
        before = _nodes()
        log = settings.make_run_dir() / "ch01-연습2.log"
        log.write_text("")
        ready = log.with_suffix(".ready")
        ready.unlink(missing_ok=True)
        proc = procs.spawn([sys.executable, "-c", _SCRIPT, json.dumps(argv)], log=log, kind="worker",
                           name="ch01-연습2", env={**settings.child_env(), readiness.ENV: str(ready)})
        try:
            new = _wait_for_new_node(proc, before, ready)
            마지막 = (log.read_text().strip().splitlines() or [""])[-1]
            assert new, f"새 워커가 ping에 답하지 않았습니다. ({마지막[-120:]})"
            assert new.startswith("ex2@"), "워커 이름이 `ex2@호스트`가 아닙니다. `-n`을 확인하세요."
            queues = app.control.inspect([new], timeout=2).active_queues() or {}
            assert [q["name"] for q in queues.get(new, [])] == ["ex2"], \
                "워커가 `ex2` 큐만 소비해야 합니다. `-Q`를 확인하세요."
            result = add.apply_async((20, 22), queue="ex2")
            assert result.get(timeout=10) == 42 and result.worker == new, \
                "ex2 큐로 보낸 태스크에 이 워커가 답하지 않았습니다."
        finally:
            procs.stop(proc)
        assert not procs.alive(proc.pid), "확인이 띄운 워커가 멈추지 않았습니다."
    judge("01", 2, 답, test)


def _nodes() -> set[str]:
    return {name for reply in app.control.ping(timeout=0.5) for name in reply}


def _wait_for_new_node(proc, before: set[str], ready, timeout: float = 15.0) -> str | None:
    """The name of a worker that was not there ``before``, once it said it is ready (the file
    ``ready``, by Celery's worker_ready) and answers; None if ``proc`` ended or nothing new
    answered in time."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if not ready.exists():
            time.sleep(0.02)
            continue
        new = sorted(_nodes() - before)
        if new:
            return new[0]
    return None
