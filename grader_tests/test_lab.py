"""`make lab` starts JupyterLab with nbgrader's Validate, Assignment List and Formgrader working."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from course_tools.lab import lab_command
from shared_utils.paths import REPO_ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(lab_command(port), cwd=REPO_ROOT, stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        token = None
        while time.time() < deadline and token is None:
            time.sleep(0.5)
            found = re.search(r"token=([0-9a-f]+)", log.read_text())
            token = found.group(1) if found else None
        assert token, log.read_text()[-3000:]
        base = f"http://127.0.0.1:{port}"
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(server, path: str, attempts: int = 3):
    """GET a page of the running server; a busy machine gets two more tries (the formgrader creates
    its gradebook on the first request, which can take long when both cores are loaded)."""
    base, token = server
    separator = "&" if "?" in path else "?"
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(f"{base}/{path}{separator}token={token}", timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.URLError:
            if attempt == attempts - 1:
                raise
            time.sleep(5)


def test_nbgrader_lab_extension_is_installed(lab_server) -> None:
    _, body = _get(lab_server, "lab/api/extensions")
    assert "jupyter-nbgrader" in {entry["name"] for entry in json.loads(body)}


def test_assignment_list_has_a_writable_exchange(lab_server) -> None:
    _, body = _get(lab_server, "courses")
    assert json.loads(body)["success"] is True, body


def test_formgrader_sees_the_course(lab_server) -> None:
    status, body = _get(lab_server, "formgrader/api/assignments")
    assert status == 200 and isinstance(json.loads(body), list)


def test_no_news_or_update_prompt(lab_server) -> None:
    _, body = _get(lab_server, "lab/api/settings/@jupyterlab/apputils-extension:notification")
    properties = json.loads(body)["schema"]["properties"]
    assert properties["fetchNews"]["default"] == "false"
    assert properties["checkForUpdates"]["default"] is False
