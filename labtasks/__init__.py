"""Celery Lab: the Celery app, every chapter's tasks, and the lab that runs them from a notebook
(``from labtasks import lab, app``). Workers import this package too, so only the app is imported
here; ``lab`` and its machinery come on demand."""
from .app import app

__all__ = ["app", "lab"]


def __getattr__(name):
    if name == "lab":
        from .handle import lab
        return lab
    raise AttributeError(f"module 'labtasks' has no attribute {name!r}")
