"""The Swedish translation is complete, and the compiled catalogue matches its source."""

import os
import shutil
import subprocess
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
