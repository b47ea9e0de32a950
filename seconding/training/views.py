"""Pages of this area (filled in by the area)."""
from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")
