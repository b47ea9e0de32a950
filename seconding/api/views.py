"""The API blueprint with every resource's routes (each module adds its own to `bp`)."""
from flask import jsonify

from seconding.api import experts, missions, nip, workflow  # noqa: F401  (their routes join the blueprint)
from seconding.api.base import bp
from seconding.api.openapi import document

__all__ = ["bp"]


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document; public, as it holds no data."""
    return jsonify(document())
