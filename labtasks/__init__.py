"""Celery Lab: the Celery app, every chapter's tasks, and the lab that runs them from a notebook.

    from labtasks import lab, app
    lab.up()
    w = lab.worker("w1")
"""
from .app import app
from . import lab

__all__ = ["app", "lab"]
