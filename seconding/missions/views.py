"""Pages of this area (filled in by the area)."""
from flask import Blueprint

bp = Blueprint("missions", __name__, url_prefix="/missions")
