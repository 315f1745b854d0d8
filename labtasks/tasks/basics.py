"""Chapters 01–02 (and the canvas chapters): the guide's arithmetic tasks, under its names."""
import time

from ..app import app


@app.task
def add(x, y):
    """두 수를 더합니다."""
    return x + y


@app.task
def mult(x, y):
    return x * y


@app.task
def subtract(x, y):
    return x - y


@app.task
def xsum(numbers):
    return sum(numbers)


@app.task
def square(x):
    return x * x


@app.task
def slow_add(x, y, seconds=1.0):
    """``add`` that takes a while, so that its state can be watched before it finishes."""
    time.sleep(seconds)
    return x + y
