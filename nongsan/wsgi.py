"""WSGI entry point (gunicorn nongsan.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongsan.settings")
application = get_wsgi_application()
