"""ASGI entry point."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")
application = get_asgi_application()

from kiki.startup import check_production  # noqa: E402  (needs the app registry loaded above)

check_production()
