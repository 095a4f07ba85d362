"""WSGI entry point (gunicorn district.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings")
application = get_wsgi_application()
