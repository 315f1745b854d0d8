"""The "Flower 모니터링" launcher entry without binder/start or any Jupyter config: a plain Jupyter
server finds it through labtasks' jupyter_serverproxy_servers entry point (issue 13)."""
import subprocess
import sys

from labserver import ROOT, clean_env, jupyter


def test_the_module_imports_nothing_else_of_labtasks():
    """jupyter-server-proxy imports it in the Jupyter server: only what `import labtasks` brings."""
    code = ("import sys, labtasks; before = set(sys.modules); import labtasks.serverproxy; "
            "print(sorted(m for m in set(sys.modules) - before if m.startswith('labtasks')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['labtasks.serverproxy']", proc.stdout


def test_a_plain_jupyter_server_lists_flower_with_its_icon_and_starts_it(tmp_path):
    env = clean_env(TMPDIR=str(tmp_path))
    env.pop("JUPYTER_CONFIG_PATH", None)
    with jupyter(tmp_path, env=env) as server:
        info = server.get("server-proxy/servers-info").json()
        (entry,) = [s for s in info["server_processes"] if s["name"] == "flower"]
        assert entry["launcher_entry"]["title"] == "Flower 모니터링"
        assert entry["launcher_entry"]["enabled"]
        icon = server.get(entry["launcher_entry"]["icon_url"])
        assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg")
        assert b"<svg" in icon.content
        page = server.get("flower/")  # started on the first visit, under the proxy's prefix
        assert page.status_code == 200, page.text[:500]
        assert "/flower/static/" in page.text
