"""Chapters 01–02 (and the canvas chapters): the guide's arithmetic tasks, under its names."""
from ..app import app


@app.task
def add(x, y):
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
