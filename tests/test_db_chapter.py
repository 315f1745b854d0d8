"""Chapter 06's ``db.settled``: it answers only once every recorded open has its close, and says
in Korean what never came (a real sqlite file, written the way the workers' handlers write it)."""
import os
import shutil
from pathlib import Path

import pytest

from labtasks import settings
from labtasks.chapters import db
from labtasks.tasks.db import ENV, record


@pytest.fixture
def recording():
    """The chapter's own file in this process's run folder (``db.events`` reads no other)."""
    before, had_run_dir = os.environ.get(ENV), settings.run_dir().exists()
    path = Path(db.setup())
    yield
    db.teardown()
    for leftover in path.parent.glob(path.name + "*"):  # the file, and sqlite's -wal and -shm
        leftover.unlink()
    if not had_run_dir:
        shutil.rmtree(settings.run_dir(), ignore_errors=True)
    if before is not None:
        os.environ[ENV] = before


def test_settled_waits_for_the_last_close(recording):
    for _ in range(2):
        record("open", "per-task")
    record("close", "per-task")
    with pytest.raises(TimeoutError, match="per-task 연결이 연 만큼 닫히기"):
        db.settled("per-task", timeout=0.3)  # one close short: no answer
    record("close", "per-task")
    assert db.settled("per-task") == (2, 2)


def test_settled_counts_only_its_label(recording):
    record("open", "lazy")  # another label's open, never closed
    record("open", "per-task")
    record("close", "per-task")
    assert db.settled("per-task") == (1, 1)
    with pytest.raises(TimeoutError):
        db.settled("lazy", timeout=0.2)
