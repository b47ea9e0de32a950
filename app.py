"""WSGI entry point: `flask --app app ...` and `gunicorn app:app`."""
from seconding import create_app

app = create_app()
