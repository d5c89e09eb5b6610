"""`make run` (scripts/run_dev.py): the first start is quick, Ctrl-C and SIGTERM always stop
web, worker and beat, and the three know the address the server listens on (SITE_URL).

The end-to-end tests start the real script on SQLite in a temporary VAR_DIR, with no database
or Redis of the suite's: its own processes, as a developer's machine runs them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from demo.people import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "run_dev.py"
_spec = importlib.util.spec_from_file_location("run_dev", SCRIPT)
run_dev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_dev)
#: What a first start may take after the install: migrations, the demo, the three processes.
FIRST_START_SECONDS = 60
#: What stopping may take: the supervisor's own limit before it kills, and a margin.
STOP_SECONDS = run_dev.STOP_TIMEOUT + 5


# --- the pieces, deterministically ----------------------------------------------------------


class FakeProcess:
    def __init__(self, on_poll=None, code=None):
        self.on_poll = on_poll
        self.code = code
        self.polls = 0

    def poll(self):
        self.polls += 1
        if self.on_poll is not None:
            self.on_poll(self.polls)
        return self.code


class FakeChild:
    def __init__(self, name="web", **kwargs):
        self.name = name
        self.process = FakeProcess(**kwargs)


@pytest.fixture
def supervisor():
    """A supervisor whose handlers are installed in this process, put back afterwards."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    watcher = run_dev.Supervisor()
    watcher.install()
    yield watcher
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_signal_that_comes_while_the_loop_looks_at_a_child_stops_it(supervisor):
    # The signal arrives in the middle of the loop's work, as the handler of a real one
    # does: between two steps of the main thread.
    def send_once(polls):
        if polls == 3:
            os.kill(os.getpid(), signal.SIGINT)

    child = FakeChild(on_poll=send_once)
    started = time.monotonic()

    assert run_dev.supervise([child], supervisor) == 0

    assert time.monotonic() - started < 1
    assert supervisor.signal_received == signal.SIGINT
    assert child.process.polls == 3


def test_a_signal_that_comes_while_the_loop_sleeps_stops_it(supervisor):
    sender = threading.Timer(0.25, os.kill, args=(os.getpid(), signal.SIGTERM))
    sender.start()
    started = time.monotonic()

    assert run_dev.supervise([FakeChild()], supervisor) == 0

    assert time.monotonic() - started < 1.5
    assert supervisor.signal_received == signal.SIGTERM


def test_signals_that_come_again_and_again_never_block_the_handler(supervisor):
    # The handler only records: a burst of signals (Ctrl-C pressed repeatedly, in the
    # middle of stopping) is taken in at once, however often it comes.
    started = time.monotonic()
    for _ in range(200):
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
    assert time.monotonic() - started < 2
    assert supervisor.stopping


def test_the_loop_stops_when_a_child_exits_and_reports_its_failure(supervisor):
    assert run_dev.supervise([FakeChild(), FakeChild("worker", code=3)], supervisor) == 3
    assert run_dev.supervise([FakeChild("beat", code=0)], supervisor) == 1
    assert not supervisor.stopping


def test_site_url_is_the_address_the_server_listens_on():
    assert run_dev.site_url("127.0.0.1", 8101) == "http://127.0.0.1:8101"
    assert run_dev.site_url("0.0.0.0", 8000) == "http://localhost:8000"  # noqa: S104
    assert run_dev.site_url("::1", 8000) == "http://[::1]:8000"


def test_the_children_get_site_url_a_signing_key_and_debug(tmp_path):
    env = run_dev.child_environment({"VAR_DIR": str(tmp_path)}, host="127.0.0.1", port=8101)

    assert env["SITE_URL"] == "http://127.0.0.1:8101"
    assert env["DEBUG"] == "true"
    key_file = tmp_path / "secret_key"
    assert env["SECRET_KEY"] == key_file.read_text().strip()
    assert len(env["SECRET_KEY"]) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The same key on the next start: sessions survive a restart.
    again = run_dev.child_environment({"VAR_DIR": str(tmp_path)}, host="127.0.0.1", port=8000)
    assert again["SECRET_KEY"] == env["SECRET_KEY"]


def test_what_the_environment_sets_wins(tmp_path):
    environ = {"VAR_DIR": str(tmp_path), "SITE_URL": "https://it.example.se",
               "SECRET_KEY": "from-the-environment", "DEBUG": "false"}

    env = run_dev.child_environment(environ, host="127.0.0.1", port=8101)

    assert env["SITE_URL"] == "https://it.example.se"
    assert env["SECRET_KEY"] == "from-the-environment"
    assert env["DEBUG"] == "false"
    assert not (tmp_path / "secret_key").exists()


def test_make_run_passes_its_host_and_port_to_the_script():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8101", "HOST=127.0.0.2"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert "scripts/run_dev.py --host 127.0.0.2 --port 8101" in result.stdout


# --- the real script ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def script_environment(var_dir: Path) -> dict[str, str]:
    """A developer's shell: none of the suite's database, Redis, key or settings."""
    drop = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SITE_URL", "DEBUG",
            "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER"}
    env = {name: value for name, value in os.environ.items() if name not in drop}
    env["VAR_DIR"] = str(var_dir)
    env["NO_COLOR"] = "1"
    return env


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def descendants(pid: int) -> set[int]:
    """Every living process started, directly or not, by `pid` (from /proc)."""
    children: dict[int, set[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        found = _state_and_parent(int(entry.name))
        if found is not None and found[0] != "Z":
            children.setdefault(found[1], set()).add(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    found = _state_and_parent(pid)
    return found is not None and found[0] != "Z"


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


class Run:
    """scripts/run_dev.py started in the background, its output collected."""

    def __init__(self, var_dir: Path, *args: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - this repository's own script
            [sys.executable, str(SCRIPT), "--port", str(self.port), *args],
            cwd=ROOT, env=script_environment(var_dir), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if text in self.output:
                return True
            time.sleep(0.1)
        return text in self.output

    def kill_everything(self) -> None:
        for pid in descendants(self.process.pid) | {self.process.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture(scope="module")
def first_start(tmp_path_factory):
    """`make demo`'s step on a fresh VAR_DIR: migrations and the whole demo, timed."""
    var_dir = tmp_path_factory.mktemp("var")
    started = time.monotonic()
    run = Run(var_dir, "--setup-only")
    run.process.wait(timeout=FIRST_START_SECONDS * 3)
    run.reader.join(timeout=5)
    return var_dir, time.monotonic() - started, run


def test_the_first_start_migrates_and_loads_the_demo_within_a_minute(first_start):
    _var_dir, seconds, run = first_start
    assert run.process.returncode == 0, run.output[-3000:]
    assert "38 orders" in run.output
    assert f"password for all: {DEMO_PASSWORD}" in run.output
    assert seconds < FIRST_START_SECONDS, f"{seconds:.1f} s\n{run.output[-2000:]}"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_the_script_and_all_three_processes(first_start, signum):
    var_dir, _seconds, _run = first_start
    run = Run(var_dir, "--no-demo")
    try:
        assert run.wait_for("tyreso-it is running", FIRST_START_SECONDS), run.output[-3000:]
        children = descendants(run.process.pid)
        direct = {pid for pid in children
                  if (_state_and_parent(pid) or ("", 0))[1] == run.process.pid}
        assert len(direct) == 3, run.output[-3000:]
        # web, worker and beat all link emails to this server.
        site = f"http://127.0.0.1:{run.port}"
        assert {environ_of(pid).get("SITE_URL") for pid in direct} == {site}
        assert f"Links in emails point to {site}/" in run.output

        started = time.monotonic()
        run.process.send_signal(signum)
        run.process.wait(timeout=STOP_SECONDS)

        assert time.monotonic() - started < STOP_SECONDS
        assert "[run] Stopped." in run.output
        assert not [pid for pid in children if alive(pid)], run.output[-3000:]
    finally:
        if run.process.poll() is None or descendants(run.process.pid):
            run.kill_everything()


def test_a_signal_while_the_database_is_prepared_stops_the_script(first_start):
    var_dir, _seconds, _run = first_start
    run = Run(var_dir, "--no-demo")
    try:
        assert run.wait_for("Applying migrations", 30), run.output
        children = descendants(run.process.pid)
        run.process.send_signal(signal.SIGTERM)
        run.process.wait(timeout=STOP_SECONDS)
        assert not [pid for pid in children if alive(pid)]
        assert "tyreso-it is running" not in run.output
    finally:
        if run.process.poll() is None:
            run.kill_everything()
