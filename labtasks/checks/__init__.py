"""Exercise checks, one module per chapter (``labtasks.checks.ch03``), readable by a learner who
wants to see how an answer is judged. Every check goes through ``judge``:

- the shipped placeholder (``답 = ...``) only gets a Korean reminder, no error (nbval runs it);
- a wrong answer raises ``AssertionError`` with a hint, never the answer;
- a right one is said, and every verdict is recorded for ``lab.progress()``.
"""
from .. import progress


def judge(chapter: str, number: int, answer, test) -> bool:
    """Run ``test(answer)`` (which asserts what the exercise teaches) and report the verdict."""
    if answer is ...:
        print(f"연습 {number}: 아직 답을 쓰지 않았습니다. 위 셀의 `...`를 답으로 바꾸고 다시 실행하세요.")
        return False
    try:
        test(answer)
    except AssertionError:
        progress.record(chapter, number, False)
        raise
    progress.record(chapter, number, True)
    print(f"연습 {number}: 정답입니다.")
    return True


def value_of(result):
    """The result's value; a task that failed or did not finish in 10 s makes a wrong answer."""
    try:
        return result.get(timeout=10)
    except Exception as exc:  # 실패한 실행은 틀린 답
        raise AssertionError(f"실행이 실패했습니다({type(exc).__name__}: {exc}). "
                             "인자 개수와 순서를 다시 보세요.") from None
