# Production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=povertycase.settings.production

RUN useradd --create-home --uid 1000 app
WORKDIR /app

COPY pyproject.toml README.md ./
COPY povertycase ./povertycase
COPY core ./core
COPY areas ./areas
COPY accounts ./accounts
COPY households ./households
COPY assistance ./assistance
COPY funds ./funds
COPY exits ./exits
COPY supervision ./supervision
COPY dashboards ./dashboards
COPY fieldwork ./fieldwork
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
RUN pip install . \
 && DJANGO_SECRET_KEY=build-only python manage.py compiletranslations \
 && DJANGO_SECRET_KEY=build-only STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput -v 0 \
 && mkdir -p /app/media && chown -R app:app /app

USER app
EXPOSE 8000
CMD ["gunicorn", "povertycase.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(M)sms"]
