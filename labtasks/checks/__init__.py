"""Exercise checks, one module per chapter (``labtasks.checks.ch03``), readable by a learner who
wants to see how an answer is judged. Every check goes through ``judge``:

- the shipped placeholder (``답 = ...``) only gets a Korean reminder, no error (nbval runs it);
- a wrong answer raises ``AssertionError`` with a hint, never the answer;
- a right one is said, and every verdict is recorded for ``lab.progress()``.

``judge`` returns None, so that a check cell shows only what it prints.
"""
import inspect
import json
import os

from .. import progress
from ..app import app


def judge(chapter: str, number: int, answer, test) -> None:
    """Run ``test(answer)`` (which asserts what the exercise teaches) and report the verdict."""
    if answer is ...:
        print(f"연습 {number}: 아직 답을 쓰지 않았습니다. 위 셀의 ...을 답으로 바꾸고 두 셀을 다시 실행하세요.")
        return
    try:
        test(answer)
    except AssertionError:
        _record(chapter, number, False)
        raise
    _record(chapter, number, True)
    print(f"연습 {number}: 정답입니다.")


#: how long (s) a check waits for a task of the answer before it calls the answer wrong
PATIENCE = 10.0


def patience() -> float:
    """``PATIENCE`` as it is now (read at each call: a test of a wrong answer may shorten it)."""
    return PATIENCE


def value_of(result, timeout: float | None = None):
    """The result's value; a task that failed or did not finish in time makes a wrong answer."""
    try:
        return result.get(timeout=timeout or patience())
    except Exception as exc:
        raise AssertionError(f"실행이 실패했습니다({type(exc).__name__}: {exc}). "
                             "인자 개수와 순서를 다시 보세요.") from None


def ask(function, *args, when: str):
    """Call the learner's ``function``; an exception in it makes a wrong answer that says where."""
    try:
        return function(*args)
    except AssertionError:
        raise
    except Exception as exc:
        raise AssertionError(f"{when} 답의 함수가 {type(exc).__name__}({exc})로 실패했습니다.") from None


def arguments(signature) -> dict:
    """What the signature's own args and kwargs fill in its task's parameters, by name, so that
    ``square.s(3)`` and ``square.s(x=3)`` read the same; a task the app does not know gives {}."""
    task = app.tasks.get(signature.task)
    if task is None:
        return {}
    params = inspect.signature(task.run)
    try:
        return dict(params.bind_partial(*signature.args, **signature.kwargs).arguments)
    except TypeError as exc:
        raise AssertionError(f"{signature.task.rsplit('.', 1)[-1]}에 맞지 않는 인자입니다({exc}).") from None


def _record(chapter: str, exercise: int, passed: bool) -> None:
    """Keep the latest verdict of ``exercise`` of ``chapter`` (e.g. "03", 2)."""
    verdicts = progress.load()
    verdicts.setdefault(chapter, {})[str(exercise)] = passed
    progress.path().parent.mkdir(parents=True, exist_ok=True)
    written = progress.path().with_name(f"progress-{os.getpid()}.tmp")  # never half a file
    written.write_text(json.dumps(verdicts, ensure_ascii=False, sort_keys=True))
    os.replace(written, progress.path())
