"""docker-compose.yml and .env.example say what the settings read (no Docker engine needed)."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
READERS = re.compile(r"""env(?:_bool|_int|_float|_list)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# Read by the settings but meaningless in a container: the development server's own.
LOCAL_ONLY: set[str] = set()


def variables_the_settings_read() -> set[str]:
    names: set[str] = set()
    for path in [ROOT / "tyreso_it" / "settings.py", ROOT / "tyreso_it" / "celery.py"]:
        names |= set(READERS.findall(path.read_text()))
    return names


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_defines_web_worker_beat_postgres_and_redis():
    services = compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    assert "gunicorn" in " ".join(map(str, services["web"]["command"]))
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_app_containers_get_every_variable_the_settings_read():
    services = compose()["services"]
    needed = variables_the_settings_read() - LOCAL_ONLY
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"} <= needed
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        missing = needed - set(environment)
        assert not missing, f"{name} lacks {sorted(missing)}"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")


def test_env_example_documents_every_variable_the_settings_read():
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    missing = variables_the_settings_read() - documented
    assert not missing, f".env.example lacks {sorted(missing)}"


# --- docker-compose.yml's interpolation, as docker compose does it --------------------------

VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


class Unset(Exception):
    """A `${NAME:?message}` whose variable is unset or empty: compose refuses to start."""


def interpolate(value, env: dict[str, str]):
    """`value` with `${NAME}`, `${NAME:-default}` and `${NAME:?error}` filled in from `env`
    and `$$` read as `$`, in every string of a YAML tree."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def fill(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name", "op", "arg")
        found = env.get(name, "")
        if op == ":?" and not found:
            raise Unset(f"{name}: {arg}")
        return found or (arg if op == ":-" else "")

    return VARIABLE.sub(fill, value)


REQUIRED = {"SECRET_KEY": "k" * 50, "POSTGRES_PASSWORD": "pg2026", "REDIS_PASSWORD": "r3dis2026"}


def resolved(**env: str) -> dict:
    return interpolate(compose(), {**REQUIRED, **env})


def test_the_web_port_is_published_on_the_hosts_loopback_only_unless_told_otherwise():
    assert resolved()["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert resolved(WEB_PORT="8080")["services"]["web"]["ports"] == ["127.0.0.1:8080:8000"]
    every = "0.0.0.0"  # noqa: S104 - what WEB_BIND may say
    assert resolved(WEB_BIND=every)["services"]["web"]["ports"] == [f"{every}:8000:8000"]
    for name, service in resolved()["services"].items():
        if name != "web":
            assert "ports" not in service, f"{name} is published"


def test_redis_asks_for_a_password_that_compose_requires():
    for missing in ("", None):
        env = {**REQUIRED, "REDIS_PASSWORD": missing or ""}
        with pytest.raises(Unset, match="REDIS_PASSWORD"):
            interpolate(compose()["services"]["redis"], env)
    redis = resolved()["services"]["redis"]
    command = " ".join(redis["command"])
    assert '--requirepass "$REDIS_PASSWORD"' in command
    assert redis["environment"]["REDIS_PASSWORD"] == "r3dis2026"
    # The password is not written into the command line itself.
    assert "r3dis2026" not in command


def test_web_worker_and_beat_reach_redis_with_the_password():
    services = resolved()["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["REDIS_URL"] == "redis://:r3dis2026@redis:6379/0"
    with pytest.raises(Unset, match="REDIS_PASSWORD"):
        interpolate(compose()["x-app-environment"], {**REQUIRED, "REDIS_PASSWORD": ""})


def test_the_redis_health_check_logs_in():
    redis = resolved()["services"]["redis"]
    assert redis["environment"]["REDISCLI_AUTH"] == "r3dis2026"  # redis-cli's password
    test = " ".join(redis["healthcheck"]["test"])
    # Unauthenticated, redis-cli ping exits 0 with NOAUTH: only PONG may count as healthy.
    assert "redis-cli ping" in test and "grep -q PONG" in test


def test_the_app_refuses_to_start_without_a_secret_key_and_no_switch_says_otherwise():
    environment = compose()["x-app-environment"]
    assert "REQUIRE_SECRET_KEY" not in environment
    with pytest.raises(Unset, match="SECRET_KEY"):
        interpolate(environment, {**REQUIRED, "SECRET_KEY": ""})


DEV_TOOLS = ("pytest", "pytest-django", "pytest-xdist", "playwright", "axe-playwright-python",
             "schemathesis", "ruff", "aiosmtpd")


def locked(name: str) -> set[str]:
    """The package names a lock file pins."""
    return {line.split("==", 1)[0].lower() for line in (ROOT / name).read_text().splitlines()
            if "==" in line and not line.startswith((" ", "#"))}


def test_the_image_installs_the_runtime_lock_only():
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = re.findall(r"pip install[^\n]*", dockerfile)
    assert installs == ["pip install -r requirements.lock"]
    assert "requirements-dev.lock" not in dockerfile

    runtime, development = locked("requirements.lock"), locked("requirements-dev.lock")
    assert {"django", "gunicorn", "celery", "psycopg"} <= runtime
    assert not runtime & set(DEV_TOOLS)
    assert {"pytest", "playwright", "ruff"} <= development


def test_the_tests_and_the_benchmark_stay_out_of_the_image():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {"tests", "bench", "requirements-dev.lock", ".venv", ".env", "var"} <= ignored
