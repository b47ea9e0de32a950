"""Pages of this area (filled in by the area)."""
from flask import Blueprint

bp = Blueprint("experts", __name__, url_prefix="/experts")
