"""Run tyreso-it locally: migrate, load the demo data, then supervise web, worker and beat.

The embedded default needs no server: SQLite in var/ and Celery on kombu's filesystem
transport (settings select both when DATABASE_URL and REDIS_URL are unset). Each child runs
in its own process group; Ctrl-C (or SIGTERM) stops all three, and if one of them dies the
others are stopped too, so nothing is left running in the background.

Usage: python scripts/run_dev.py [--host 127.0.0.1] [--port 8000] [--no-demo]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STOP_TIMEOUT = 15.0
COLOURS = {"web": "\033[36m", "worker": "\033[35m", "beat": "\033[33m"}


def say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def manage(*args: str, capture: bool = False) -> str:
    command = [PYTHON, "manage.py", *args]
    if capture:
        result = subprocess.run(  # noqa: S603 - fixed command, no shell
            command, cwd=ROOT, check=True, capture_output=True, text=True
        )
        return result.stdout
    subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603 - fixed command, no shell
    return ""


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_http(url: str, timeout: float, processes: list[Child]) -> bool:
    """True once `url` answers at all (any HTTP status counts: the server is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.process.poll() is not None for child in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - local URL only
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.3)
    return False


class Child:
    """A supervised process whose output is copied line by line with a name prefix."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], colour: bool):
        self.name = name
        self.process = subprocess.Popen(  # noqa: S603 - fixed commands, no shell
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            # Own process group: the terminal's Ctrl-C reaches only this supervisor, which
            # then stops every child (and the children's own children) in order.
            start_new_session=True,
        )
        prefix = f"[{name}]".ljust(9)
        if colour:
            prefix = f"{COLOURS.get(name, '')}{prefix}\033[0m"
        self.prefix = prefix
        self.thread = threading.Thread(target=self._copy_output, daemon=True)
        self.thread.start()

    def _copy_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            sys.stdout.write(f"{self.prefix} {line}")
            sys.stdout.flush()

    def signal(self, signum: int) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)


def stop_all(children: list[Child]) -> None:
    for child in children:
        child.signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            child.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop in time; killing it.")
            child.signal(signal.SIGKILL)
            child.process.wait()
    for child in children:
        child.thread.join(timeout=2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    options = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("DEBUG", "true")
    env["PYTHONUNBUFFERED"] = "1"
    os.environ.update({"DEBUG": env["DEBUG"], "PYTHONUNBUFFERED": "1"})
    var_dir = Path(env.get("VAR_DIR", ROOT / "var"))
    if not env.get("REDIS_URL"):
        # kombu's filesystem transport expects its folders to exist.
        for folder in ("broker/queue", "broker/processed"):
            (var_dir / folder).mkdir(parents=True, exist_ok=True)

    if not port_is_free(options.host, options.port):
        say(
            f"Port {options.port} on {options.host} is already in use. Stop what runs there, "
            f"or choose another port: make run PORT={options.port + 1}"
        )
        return 1

    say("Applying migrations…")
    manage("migrate", "--noinput", "--verbosity", "1")
    demo_report = ""
    if not options.no_demo:
        say("Loading demo data (idempotent)…")
        demo_report = manage("load_demo", capture=True)

    colour = sys.stdout.isatty() and not env.get("NO_COLOR")
    address = f"{options.host}:{options.port}"
    schedule = str(var_dir / "celerybeat-schedule")
    commands = {
        "web": [PYTHON, "manage.py", "runserver", address],
        # solo pool: one task at a time, which suits SQLite's single writer.
        "worker": [PYTHON, "-m", "celery", "-A", "tyreso_it", "worker", "--pool=solo",
                   "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        "beat": [PYTHON, "-m", "celery", "-A", "tyreso_it", "beat", "--loglevel=INFO",
                 f"--schedule={schedule}"],
    }

    children: list[Child] = []
    stopping = threading.Event()

    def on_signal(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    exit_code = 0
    try:
        for name, command in commands.items():
            children.append(Child(name, command, env, colour))
        url = f"http://{address}/"
        if wait_for_http(f"{url}konto/logga-in/", 60, children):
            banner = [
                "",
                "=" * 72,
                f"  tyreso-it is running: open {url}",
                f"  Admin: {url}admin/    Stop everything with Ctrl-C.",
                "=" * 72,
            ]
            if demo_report:
                banner += [demo_report.rstrip(), "=" * 72]
            print("\n".join(banner), flush=True)
        while not stopping.is_set():
            for child in children:
                code = child.process.poll()
                if code is not None:
                    say(f"{child.name} exited with code {code}; stopping the others.")
                    exit_code = code if code > 0 else 1
                    stopping.set()
                    break
            stopping.wait(0.5)
    finally:
        say("Stopping web, worker and beat…")
        stop_all(children)
        say("Stopped.")
    return exit_code


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as exc:
        if exc.stdout:
            print(exc.stdout, end="")
        if exc.stderr:
            print(exc.stderr, end="", file=sys.stderr)
        say(f"`{' '.join(map(str, exc.cmd[1:]))}` failed with exit code {exc.returncode}.")
        sys.exit(exc.returncode or 1)
