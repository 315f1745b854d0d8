"""For every pytest run of this repository (tests/ and notebooks/ alike):

- exercise verdicts of test runs (and of the kernels nbval starts) never reach the learner's
  progress file, and their learner's project folder is a temporary one per pytest process;
- how xdist shares the work (``--dist loadfile``: a notebook's cells stay in one kernel, in
  order): the files known to be slow go first, so that none of them starts last;
- where the suite's time goes: seconds per test file (setup + call + teardown of its items),
  written by the process that collects the reports (xdist's controller) to
  test-artifacts/suite-times.json, for `benchmarks/run.py --suite` and the CI log. Never a failure.
"""
import atexit
import json
import os
import shutil
import tempfile
import time
from collections import defaultdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

os.environ.setdefault("LABTASKS_PROGRESS", tempfile.mkdtemp(prefix="labtasks-progress-"))
# each pytest process (xdist worker) its own learner project folder: chapters run in parallel
os.environ["LABTASKS_PROJECT_ROOT"] = tempfile.mkdtemp(prefix="labtasks-project-")
atexit.register(shutil.rmtree, os.environ["LABTASKS_PROJECT_ROOT"], True)



def _colab_replay() -> bool:
    """The Colab replay's environment (.ci/colab_leg.sh): ipywidgets 7 and the classic notebook 6."""
    try:
        return version("ipywidgets").startswith("7.") and version("notebook").startswith("6.")
    except PackageNotFoundError:
        return False


# the Colab replay's browser test needs that leg's front end: elsewhere it is not collected at all
collect_ignore = [] if _colab_replay() else ["tests/test_browser_colab.py"]

# seconds each slow file took in a full -n 6 run on 2 cores (test-artifacts/suite-times.json); the
# others keep their place after these. Only the order depends on them, never a verdict.
SLOW_FILES = {
    "tests/test_stops_redis.py": 36, "tests/test_stops_rabbitmq.py": 31,
    "tests/test_browser_ch03.py": 31, "tests/test_browser_ch12.py": 28,
    "notebooks/06_DB_연결.ipynb": 26, "tests/test_browser_ch07.py": 26,
    "tests/test_exercises_ch01.py": 22, "notebooks/08_풀과_동시성.ipynb": 21,
    "tests/test_flower.py": 18, "tests/test_exercises_ch13.py": 18, "tests/test_durability.py": 18,
    "tests/test_exercises_ch12.py": 17, "notebooks/02_기본_사용법.ipynb": 16,
    "tests/test_embedded.py": 16, "tests/test_exercises_ch02.py": 16,
    "tests/test_browser_binder.py": 15, "notebooks/09_실패와_재시도.ipynb": 14,
}


def pytest_collection_modifyitems(items):
    # a stable sort: the items of one file keep their order
    items.sort(key=lambda item: -SLOW_FILES.get(item.nodeid.split("::")[0], 0))


SUITE_TIMES = Path(__file__).parent / "test-artifacts" / "suite-times.json"
_per_file: dict[str, float] = defaultdict(float)
_began = time.monotonic()


def pytest_runtest_logreport(report):
    _per_file[report.nodeid.split("::")[0]] += report.duration


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller writes the file
    SUITE_TIMES.parent.mkdir(parents=True, exist_ok=True)
    SUITE_TIMES.write_text(json.dumps({
        "suite_s": round(time.monotonic() - _began, 1), "exit_status": int(exitstatus),
        "workers": getattr(session.config.option, "numprocesses", None) or 0,
        "per_file_s": {f: round(s, 1) for f, s in sorted(_per_file.items(), key=lambda x: -x[1])},
    }, ensure_ascii=False, indent=1))
