"""docker-compose.yml and .env.example say what the settings read (no Docker engine needed)."""

import re
from pathlib import Path

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
