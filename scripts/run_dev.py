"""Run tyreso-it locally: migrate, load the demo data, then supervise web, worker and beat.

The embedded default needs no server: SQLite in var/ and Celery on kombu's filesystem
transport (settings select both when DATABASE_URL and REDIS_URL are unset). Each child runs
in its own process group; Ctrl-C (or SIGTERM) stops all three, and if one of them dies the
others are stopped too, so nothing is left running in the background.

The three share what the environment does not set otherwise: DEBUG on, a signing key made
once and kept in var/secret_key (readable by its owner only), and SITE_URL from the address
the server listens on, so the links in emails point at this server.

Stopping: the signal handlers only record which signal came (`Supervisor.on_signal`), and the
main loop looks at that record between short sleeps. A handler runs in the main thread
between two of its steps, whatever that thread holds at the moment: a handler that takes a
lock (as `threading.Event.set` does) waits forever when the main thread was interrupted while
holding that same lock, in `Event.wait`.

Usage: python scripts/run_dev.py [--host 127.0.0.1] [--port 8000] [--no-demo] [--setup-only]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STOP_TIMEOUT = 15.0
#: How often the main loop looks for a signal and for a child that has exited (seconds).
POLL = 0.1
COLOURS = {"web": "\033[36m", "worker": "\033[35m", "beat": "\033[33m"}
WILDCARD_HOSTS = {"0.0.0.0", "::", "[::]", ""}  # noqa: S104 - names, not a bind


def say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def site_url(host: str, port: int) -> str:
    """The address people reach this server at, for the links in emails."""
    if host in WILDCARD_HOSTS:
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def secret_key(var_dir: Path) -> str:
    """The signing key kept in `var_dir`/secret_key, made on the first run (mode 600)."""
    path = var_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if key:
            return key
        path.unlink()
        return secret_key(var_dir)
    with os.fdopen(fd, "w") as file:
        key = secrets.token_urlsafe(50)
        file.write(key + "\n")
    return key


def child_environment(environ: Mapping[str, str], *, host: str, port: int) -> dict[str, str]:
    """The environment of every process this script starts: `environ` with the local
    defaults added where it sets nothing."""
    env = dict(environ)
    env.setdefault("DEBUG", "true")
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("DJANGO_SETTINGS_MODULE", "tyreso_it.settings")
    var_dir = Path(env.get("VAR_DIR") or ROOT / "var")
    var_dir.mkdir(parents=True, exist_ok=True)
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secret_key(var_dir)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = site_url(host, port)
    return env


class Supervisor:
    """Records the first stop signal; the loops below look at the record between sleeps."""

    def __init__(self) -> None:
        self.signal_received: int | None = None

    def on_signal(self, signum: int, frame) -> None:  # noqa: ARG002 - handler signature
        # Nothing else here: no lock, no print (see the module's docstring).
        self.signal_received = signum

    def install(self) -> None:
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)

    @property
    def stopping(self) -> bool:
        return self.signal_received is not None


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


def wait_for_http(url: str, timeout: float, children: list[Child], supervisor: Supervisor) -> bool:
    """True once `url` answers at all (any HTTP status counts: the server is up); False when
    a child exits, a stop signal comes or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not supervisor.stopping:
        if any(child.process.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - local URL only
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(POLL)
    return False


def supervise(children: Iterable[Child], supervisor: Supervisor) -> int:
    """Wait until a stop signal comes or a child exits; the exit status to end with."""
    children = list(children)
    while not supervisor.stopping:
        for child in children:
            code = child.process.poll()
            if code is not None:
                say(f"{child.name} exited with code {code}; stopping the others.")
                return code if code > 0 else 1
        time.sleep(POLL)
    return 0


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


def prepare(demo: bool) -> int:
    """Migrate and load the demo in this one process (`--prepare`): Django starts once
    instead of once per command, and leaves its system checks to the web server. Migrate
    writes to stderr; the demo's report, for the banner, goes to stdout."""
    # The supervisor stops this process with SIGTERM; Ctrl-C reaches it too (one process
    # group) and would only add a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    # The system checks run once, in the web server that starts next.
    call_command("migrate", interactive=False, verbosity=1, skip_checks=True,
                 stdout=sys.stderr)
    if demo:
        from demo.loader import DemoError, load_demo

        print("[run] Loading demo data (idempotent)…", file=sys.stderr, flush=True)
        try:
            sys.stdout.write(load_demo().text())
        except DemoError as exc:
            print(f"[run] The demo data could not be loaded: {exc}", file=sys.stderr)
            return 1
    return 0


def run_prepare(env: dict[str, str], demo: bool, supervisor: Supervisor) -> str | None:
    """Run `prepare` in a child process; its report, or None when it failed or a signal
    stopped it."""
    command = [PYTHON, str(Path(__file__).resolve()), "--prepare"]
    if not demo:
        command.append("--no-demo")
    process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
        command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    while True:
        try:
            report, _ = process.communicate(timeout=POLL)
            break
        except subprocess.TimeoutExpired:
            if supervisor.stopping:
                process.terminate()
                process.communicate()
                return None
    if process.returncode != 0:
        say(f"Preparing the database failed with exit code {process.returncode}.")
        return None
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    parser.add_argument("--setup-only", action="store_true",
                        help="migrate and load the demo data, then exit (make demo)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)

    if options.prepare:  # the child that migrates and loads the demo
        return prepare(demo=not options.no_demo)

    supervisor = Supervisor()
    supervisor.install()

    env = child_environment(os.environ, host=options.host, port=options.port)
    var_dir = Path(env.get("VAR_DIR") or ROOT / "var")
    if not env.get("REDIS_URL"):
        # kombu's filesystem transport expects its folders to exist.
        for folder in ("broker/queue", "broker/processed"):
            (var_dir / folder).mkdir(parents=True, exist_ok=True)

    if options.setup_only:
        say("Applying migrations…")
        report = run_prepare(env, demo=not options.no_demo, supervisor=supervisor)
        if report:
            print(report.rstrip(), flush=True)
        return 0 if report is not None else 1

    if not port_is_free(options.host, options.port):
        say(
            f"Port {options.port} on {options.host} is already in use. Stop what runs there, "
            f"or choose another port: make run PORT={options.port + 1}"
        )
        return 1

    say("Applying migrations…")
    demo_report = run_prepare(env, demo=not options.no_demo, supervisor=supervisor)
    if demo_report is None:
        return 1 if not supervisor.stopping else 0

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
    exit_code = 0
    try:
        for name, command in commands.items():
            if supervisor.stopping:
                break
            children.append(Child(name, command, env, colour))
        url = f"http://{address}/"
        if children and wait_for_http(f"{url}konto/logga-in/", 60, children, supervisor):
            banner = [
                "",
                "=" * 72,
                f"  tyreso-it is running: open {url}",
                f"  Links in emails point to {env['SITE_URL']}/",
                f"  Admin: {url}admin/    Stop everything with Ctrl-C.",
                "=" * 72,
            ]
            if demo_report:
                banner += [demo_report.rstrip(), "=" * 72]
            print("\n".join(banner), flush=True)
        exit_code = supervise(children, supervisor)
    finally:
        say("Stopping web, worker and beat…")
        stop_all(children)
        say("Stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
