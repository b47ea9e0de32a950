"""Pages of this area (filled in by the area)."""
from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/register")
