"""Chapters 04–05 (캔버스, 불변 시그니처): the tasks of the guide's chord example.

The arithmetic tasks (add, mult, subtract, xsum, square) live in ``basics.py``.
"""
from ..app import app


@app.task(name="send_alert")
def send_alert(user):
    """Warn one user; returns what was sent."""
    return f"{user}에게 경고를 보냈습니다"


@app.task(name="notify_admin")
def notify_admin():
    """Tell the administrator that the alerts went out. Takes no arguments: call it as ``.si()``."""
    return "관리자에게 알렸습니다"
