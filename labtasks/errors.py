"""Errors a learner sees, with the message in Korean."""
from kombu.exceptions import OperationalError


class LabError(RuntimeError):
    """Something the lab could not do; the message says what to try."""


class BrokerUnavailable(OperationalError):
    """Publishing failed because the broker cannot be reached."""

    def __init__(self, url: str, cause: BaseException):
        super().__init__(
            f"브로커({url})에 연결할 수 없습니다: {cause}\n"
            "내장 Redis를 쓴다면 lab.up()을 먼저 실행했는지, 외부 브로커라면 서버가 떠 있는지 확인하세요.")
