"""A Jupyter server extension that lets the README's `jupyter lab notebooks/` run as root.

Containers, root cloud shells and fresh VMs run everything as root, and Jupyter Server refuses to
start there without --allow-root. jupyter_server_config.d/celerylab.json, installed into the
environment's etc/jupyter, enables this module; as root it sets ServerApp.allow_root (checked
after extensions load) and prints a Korean warning on stderr. As any other user it does nothing.
"""
import os
import sys

WARNING = ("경고: root 계정으로 JupyterLab을 실행합니다. 노트북의 코드와 워커도 root 권한으로 돕니다. "
           "가능하면 일반 사용자로 실행하세요.")


def _jupyter_server_extension_points():
    return [{"module": "celerylab_jupyter"}]


def _load_jupyter_server_extension(serverapp):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        serverapp.allow_root = True
        print(WARNING, file=sys.stderr, flush=True)
