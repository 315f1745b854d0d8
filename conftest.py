"""For every pytest run of this repository (tests/ and notebooks/ alike):

- exercise verdicts of test runs (and of the kernels nbval starts) never reach the learner's
  progress file, and their learner's project folder is a temporary one per pytest process;
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
