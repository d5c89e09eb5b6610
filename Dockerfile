# tyreso-it: one image for the web server (gunicorn), the Celery worker and Celery beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=tyreso_it.settings \
    VAR_DIR=/app/var

# gettext compiles the Swedish translations at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install -r requirements.lock

COPY . .
# Translations and static files are part of the image; WhiteNoise serves the static files.
# The settings refuse to load without a signing key; these two steps sign nothing, so they get
# a throwaway one that stays out of the image (the containers get theirs from the environment).
RUN export SECRET_KEY=image-build-only-never-used-to-sign \
    && python manage.py compilemessages --ignore=.venv \
    && python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app app \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "tyreso_it.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
