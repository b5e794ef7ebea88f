# The one image for web (gunicorn), worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DVK_VAR_DIR=/app/var \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/var/media

WORKDIR /app

# The PostgreSQL client tools for `manage.py backup` / `restore` (pg_dump, pg_restore),
# from PostgreSQL's own repository: their major version must be at least the server's
# (postgres:16 in docker-compose.yml; Debian bookworm ships 15).
ARG PG_CLIENT_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_CLIENT_MAJOR}" \
    && apt-get purge -y --auto-remove curl gnupg \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 dvk

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=dvk:dvk . .
# PYTHONDONTWRITEBYTECODE keeps processes from writing .pyc files, so compile the app's
# modules once here: otherwise every process start (each management command, each worker
# restart) compiles some 200 modules from source (about 0.2 s of CPU, half the wall time
# of a command's start-up on a loaded machine: bench/README.md, import_bulk.py).
RUN python -m compileall -q -x '/\.venv/' /app
RUN mkdir -p /app/var/media /app/staticfiles && chown -R dvk:dvk /app/var /app/staticfiles

USER dvk

EXPOSE 8000

# Overridden per service in docker-compose.yml (worker, beat, migrate).
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi:application"]
