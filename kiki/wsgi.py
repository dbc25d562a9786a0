"""WSGI entry point."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiki.settings")
application = get_wsgi_application()

from kiki.startup import check_production  # noqa: E402  (needs the app registry loaded above)

check_production()

from kiki import warmup  # noqa: E402  (needs the app registry loaded above)

warmup.start()
