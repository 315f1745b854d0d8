"""Errors a learner sees, with the message in Korean."""
from kombu.exceptions import OperationalError


class LabError(RuntimeError):
    """Something the lab could not do; the message says what to try."""


class BrokerUnavailable(OperationalError):
    """Sending a task failed because the broker or the result backend cannot be reached."""

    def __init__(self, broker: str, backend: str, cause: BaseException):
        reason = " ".join(str(cause).split())
        super().__init__(f"브로커({broker})나 결과 백엔드({backend})에 연결할 수 없습니다: {reason}\n"
                         "내장 Redis를 쓴다면 lab.up()을 먼저 실행했는지, 외부 서버라면 그 서버가 "
                         "떠 있는지 확인하세요.")
