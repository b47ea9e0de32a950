"""Pages of this area (filled in by the area)."""
from flask import Blueprint

bp = Blueprint("matches", __name__, url_prefix="/matches")
