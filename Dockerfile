# Production-like image: gunicorn serves the portal; the same image runs the worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint needs Pango; libpq for psycopg2 is bundled in the binary wheel.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock && pip check
COPY . .
RUN DATABASE_URL=postgres://build@localhost/build SECRET_KEY=collectstatic-only \
    python manage.py collectstatic --noinput
# The customers' translations (locale/*.po) compiled to the .mo files Django reads.
RUN DATABASE_URL=postgres://build@localhost/build SECRET_KEY=compilemessages-only \
    python manage.py compilemessages --ignore .venv

RUN useradd --system --home /app portal && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "district.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
