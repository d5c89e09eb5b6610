"""The Swedish translation is complete, and the compiled catalogue matches its source."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "sv" / "LC_MESSAGES"


@pytest.fixture
def msgfmt() -> str:
    path = shutil.which("msgfmt")
    if path is None:
        message = "GNU gettext's msgfmt is not installed (apt-get install gettext)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def test_swedish_catalogue_has_nothing_untranslated_or_fuzzy(msgfmt, tmp_path):
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "out.mo"),
         str(LOCALE / "django.po")],
        capture_output=True, text=True, check=False, env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert "translated messages" in result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_the_catalogue_made_anew_from_the_source_has_every_message_translated(msgfmt, tmp_path):
    """Every message the code and the templates (Django's and Jinja2's) ask for is in the
    catalogue with its Swedish: the catalogue is extracted afresh from a copy of the tracked
    source, as `make messages` would, and nothing in it may be new or untranslated."""
    root = LOCALE.parent.parent.parent
    git = shutil.which("git") or "git"
    tracked = subprocess.run([git, "ls-files", "-z"], cwd=root, capture_output=True,
                             check=True).stdout.decode().split("\0")
    copy = tmp_path / "source"
    for name in filter(None, tracked):
        source = root / name
        if source.is_file() and not source.is_symlink():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "sv", "--no-obsolete",
         "--no-location"],
        cwd=copy, capture_output=True, text=True, check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tyreso_it.settings",
             "VAR_DIR": str(tmp_path / "var")},
    )
    assert result.returncode == 0, result.stderr
    stats = subprocess.run(
        [msgfmt, "--statistics", "-o", os.devnull,
         str(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po")],
        capture_output=True, text=True, check=False, env={**os.environ, "LC_ALL": "C"},
    )
    assert "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr, (
        "messages without Swedish: run `make messages` and translate them\n" + stats.stderr
    )


def test_compiled_catalogue_is_built_from_the_current_source(msgfmt, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "-o", str(compiled), str(LOCALE / "django.po")], check=True)
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes(), (
        "locale/sv/LC_MESSAGES/django.mo is stale: run manage.py compilemessages"
    )


def test_pages_speak_swedish(client, django_user_model):
    response = client.get("/konto/logga-in/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert "Logga in" in body
