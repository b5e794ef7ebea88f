# The one image for web (gunicorn), worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DVK_VAR_DIR=/app/var

WORKDIR /app

RUN useradd --create-home --uid 1000 dvk

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=dvk:dvk . .
RUN mkdir -p /app/var/media /app/staticfiles && chown -R dvk:dvk /app/var /app/staticfiles

USER dvk

EXPOSE 8000

# Overridden per service in docker-compose.yml.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
