"""Every chapter's tasks; importing this package registers them all with the app."""
# chapters 06, 09, 10, 08, 11, 13: imported so that their tasks are registered
from . import db, failures, periodic, pools, progress, testing  # noqa: F401
from .basics import add, mult, slow_add, square, subtract, xsum
from .canvas import notify_admin, send_alert  # chapters 04, 05
from .routing import call, normal_call, urgent_call  # chapter 03

__all__ = ["add", "call", "mult", "normal_call", "notify_admin", "send_alert", "slow_add",
           "square", "subtract", "urgent_call", "xsum"]
