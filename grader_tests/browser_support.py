"""Drive the course's JupyterLab in a real browser: Playwright with Debian's Chromium.

The HTTP tests in test_lab.py prove the server side; only a browser proves what a student sees
(the Validate button, its dialog, the Nbgrader menu, the Formgrader page).  Playwright's own
browser downloads are not reachable from CI, so Debian's ``chromium`` package is used instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from course_tools.lab import lab_command

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google services, which on a
# closed network means a stream of failing connections and slow page loads.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "`apt-get install chromium`, and `pip install -r requirements-dev.txt` for playwright"

SECOND = 1000  # Playwright counts milliseconds
# Kernel start, Run All and Validate of a numpy assignment take tens of seconds on two busy cores.
SLOW = 240 * SECOND

# JupyterLab user settings for the tests: every cell attached to the page (the default lazy modes
# leave off-screen cells empty, so their outputs could not be read).
LAB_SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}


def browser_required() -> bool:
    """CI (or ``COURSE_REQUIRE_BROWSER=1``) must run the browser test: a missing browser fails there."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or os.environ.get("COURSE_REQUIRE_BROWSER") == "1"


def missing_browser() -> str | None:
    """Why the browser test cannot run here, or None when Playwright and Chromium are installed."""
    if importlib.util.find_spec("playwright") is None:
        return f"the playwright package is not installed ({INSTALL_HINT})"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing ({INSTALL_HINT})"
    return None


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium, quiet on the network."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its address, login token and log file."""

    base: str
    token: str
    log: Path

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base}/{path}{separator}token={self.token}"

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """Free the CPU and memory of the notebooks a test opened before the next one starts."""
        for session in self.api("GET", "sessions") or []:
            self.api("DELETE", f"sessions/{session['id']}")

    def log_tail(self, characters: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-characters:]


@contextmanager
def lab_server(course: Path, scratch: Path, timeout: float = 120.0) -> Iterator[Lab]:
    """``make lab``'s server on the course directory ``course``, with settings and workspaces of its own.

    The server runs in ``course`` because nbgrader's Validate and Formgrader read nbgrader_config.py
    from the server's working directory.
    """
    settings, workspaces = scratch / "lab-settings", scratch / "lab-workspaces"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values), encoding="utf-8")
    workspaces.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(workspaces),
        # The Formgrader creates a course's gradebook with the `alembic` command, installed beside
        # this interpreter, which need not be on PATH (make puts it there, a bare pytest does not).
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    port = _free_port()
    log = scratch / "lab.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            lab_command(port, root=course), cwd=course, env=environment, stdout=handle, stderr=subprocess.STDOUT
        )
    try:
        lab = Lab(f"http://127.0.0.1:{port}", _wait_for_token(log, process, time.time() + timeout), log)
        _wait_until_up(lab, time.time() + timeout)
        yield lab
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _wait_for_token(log: Path, process: subprocess.Popen, deadline: float) -> str:
    while time.time() < deadline and process.poll() is None:
        found = re.search(r"token=([0-9a-f]+)", log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(1)
        time.sleep(0.5)
    raise AssertionError(f"JupyterLab did not start (log {log}):\n{log.read_text()[-3000:]}")


def _wait_until_up(lab: Lab, deadline: float) -> None:
    while True:
        try:
            lab.api("GET", "status")
            return
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.5)


@contextmanager
def screenshot_on_failure(page: Page, path: Path, lab: Lab | None = None) -> Iterator[None]:
    """Turn any failure into an AssertionError that names a screenshot of the page (and the server log)."""
    try:
        yield
    except Exception as error:
        try:
            page.screenshot(path=str(path), full_page=True)
            where = f"screenshot: {path}"
        except Exception as screenshot_error:  # the page itself may be gone
            where = f"no screenshot ({screenshot_error})"
        log = f"\nserver log: {lab.log}" if lab else ""
        raise AssertionError(f"{error}\n{where}{log}") from error


def copy_assignment(release_dir: Path, target: Path) -> Path:
    """The release folder (notebook and images) copied to ``target``, the way a student gets it."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(release_dir, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return target


# --- what the student does in the page ------------------------------------------------------------

# True once the kernel has run every queued cell: no "[*]:" prompt is left and at least one cell
# has an execution count.  Queued cells show "[*]:" from Run All on, so there is no gap to fall in.
_RUN_FINISHED = """() => {
    const prompts = Array.from(document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt'))
        .map(p => p.textContent);
    const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
    return prompts.length > 0 && !prompts.some(t => t.includes('*')) && prompts.some(t => /\\d/.test(t))
        && (!status || status.getAttribute('data-status') === 'idle');
}"""


def open_notebook(page: Page, lab: Lab, path: str, workspace: str) -> None:
    """Open a notebook in its own workspace (no tab of another test restored) and wait for its kernel."""
    page.goto(lab.url(f"lab/workspaces/{workspace}/tree/{path}"), timeout=SLOW)
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=SLOW)
    wait_for_kernel_idle(page)


def wait_for_kernel_idle(page: Page, timeout: float = SLOW) -> None:
    """The status bar's kernel item reads "<kernel name> | Idle": started, and running no code."""
    idle = re.compile(r"^(?!No Kernel)[^|]+\|\s*Idle\s*$")
    page.locator(".jp-StatusBar-Widget .jp-StatusBar-TextItem", has_text=idle).first.wait_for(timeout=timeout)


def menu(page: Page, top: str, item: str) -> None:
    """Click ``top`` in the menu bar, then ``item`` in the menu it opens."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$")).click()


def run_all(page: Page, timeout: float = SLOW) -> None:
    """Run → Run All Cells, then wait until the kernel has run them all (or stopped at an error)."""
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(_RUN_FINISHED, timeout=timeout, polling=500)
    wait_for_kernel_idle(page, timeout)


def output_texts(page: Page) -> list[str]:
    """The text of every output of the notebook, in order."""
    return page.locator(".jp-Notebook .jp-OutputArea-output").all_text_contents()


def validate(page: Page, timeout: float = SLOW) -> tuple[bool, str]:
    """Press Validate and return (passed, text of the dialog); the dialog is closed again."""
    page.locator(".jp-NotebookPanel-toolbar jp-button[aria-label='Validate']").click()
    dialog = page.locator(".jp-Dialog", has=page.locator("#validation-message"))
    dialog.wait_for(timeout=timeout)
    message = dialog.locator("#validation-message")
    passed = "validation-success" in (message.get_attribute("class") or "")
    text = dialog.inner_text()
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    dialog.wait_for(state="detached", timeout=30 * SECOND)
    return passed, text
