"""Celery Lab: the Celery app, every chapter's tasks, and the lab that runs them from a notebook.

    from labtasks import lab, app
    lab.up()
    w = lab.worker("w1")

Only the app is imported here: worker processes import this package too, and the lab's
machinery (Flower, widgets, the monitor) would cost them start-up time for nothing.
``from labtasks import lab`` imports the lab on demand.
"""
from .app import app

__all__ = ["app", "lab"]


def __getattr__(name):
    if name == "lab":
        from .handle import lab
        return lab
    raise AttributeError(f"module 'labtasks' has no attribute {name!r}")
