"""A Jupyter server for the live test: JupyterLab and Notebook 7 from one process.

It listens on 127.0.0.1 only, on a free port, behind a random token, with a
home, config, data, runtime and settings folder of its own (nothing of the
user's Jupyter set-up leaks in, and nothing is written there), and it is shut
down at the end, kernels included. It serves the chapters from a copy, so
running and saving them never touches ``book/``.
"""
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# Settings a first-time user would otherwise meet as pop-ups: no news feed, no
# update check (the server has no network; Binder's users would get a toast).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """``start()`` it, open ``url(path)``, ``stop()`` it.

    ``root``: an empty folder, the server's home; the notebooks go in
    ``root / "notebooks"`` (:attr:`notebooks`), the server's log in
    ``root / "server.log"``.
    """

    def __init__(self, root, env=None):
        self.root = Path(root)
        self.notebooks = self.root / "notebooks"
        self.log_path = self.root / "server.log"
        self.token = secrets.token_hex(24)
        self.port = None
        self.process = None
        self._env = dict(os.environ if env is None else env)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path):
        """The address of ``path`` (e.g. ``lab/tree/x.ipynb``), token included."""
        return f"{self.base}{path}?token={self.token}"

    def environment(self):
        home = self.root / "home"
        env = dict(self._env)
        # CI's MPLBACKEND=Agg would keep every figure out of the notebook.
        env.pop("MPLBACKEND", None)
        env.update({
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
            "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter"),
            "JUPYTER_RUNTIME_DIR": str(home / ".local/share/jupyter/runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / ".jupyter/lab/user-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / ".jupyter/lab/workspaces"),
            "IPYTHONDIR": str(home / ".ipython"),
            "MPLCONFIGDIR": str(home / ".config/matplotlib"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "JUPYTER_PLATFORM_DIRS": "1",
        })
        return env

    def start(self, timeout=120):
        env = self.environment()
        settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.notebooks.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.notebooks}",
            # window.jupyterapp: the test reads the notebook's state through it.
            "--LabApp.expose_app_in_browser=True",
            "--JupyterNotebookApp.expose_app_in_browser=True",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")      # CI runs as root
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, cwd=self.notebooks, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Jupyter server exited with code "
                                   f"{self.process.returncode}:\n{self.log_tail()}")
            try:
                self._api("GET", "api/status")
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the Jupyter server did not answer within "
                                       f"{timeout} s:\n{self.log_tail()}")
                time.sleep(0.1)

    def _api(self, method, path, timeout=10):
        request = urllib.request.Request(
            self.base + path, method=method,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernels(self):
        """The running kernels, as the REST API lists them."""
        return self._api("GET", "api/kernels")

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout=30):
        """Shut the server and its kernels down (POST /api/shutdown), killing
        the server's process group if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self._api("POST", "api/shutdown")
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self._log.close()
