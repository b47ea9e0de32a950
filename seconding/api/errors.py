"""JSON errors of the API: one shape, {"error": {"code", "message", "fields"}}, for every path under /api/."""
from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

API_ROOT = "/api"

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 500: "server_error",
         503: "unavailable"}


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Send a valid personal API token: Authorization: Bearer <token>."),
        403: _("Your role may not use this endpoint."),
        404: _("Not found, or not in your scope."),
        405: _("This method is not allowed on this path."),
        409: _("The record changed in the meantime. Nothing was changed."),
        413: _("The request is too large."),
        415: _("Send JSON with the header Content-Type: application/json."),
        422: _("The data is not valid. Nothing was changed."),
        500: _("Something went wrong on our side. Nothing was changed; please try again."),
        503: _("The database cannot be reached right now. Nothing was changed; please try again in a few minutes."),
    }


class ApiError(Exception):
    """A refusal answered as JSON; nothing was changed."""

    def __init__(self, status: int, message: str | None = None, *, code: str | None = None,
                 fields: dict[str, str] | None = None):
        super().__init__(message or "")
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.fields = fields or {}


def is_api_path(path: str | None = None) -> bool:
    """Whether the request (or the path) is under /api/, where every answer is JSON."""
    path = request.path if path is None else path
    return path == API_ROOT or path.startswith(API_ROOT + "/")


def error_response(status: int, message: str | None = None, *, code: str | None = None,
                   fields: dict[str, str] | None = None, headers: dict | None = None) -> Response:
    """The JSON error document with its status code."""
    body = {"error": {"code": code or CODES.get(status, "error"),
                      "message": message or _messages().get(status, _messages()[400]),
                      "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="seconding"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_api_error(exc: ApiError) -> Response:
    """The JSON answer of an ApiError."""
    return error_response(exc.status, exc.message, code=exc.code, fields=exc.fields)


def _no_such_path(methods) -> bool:
    """Whether no method at all reaches a route at this path. The router answers 405 when a path looks like a route
    of another method, even when its id is beyond any id there can be (/experts/2147483648): no such path, 404."""
    adapter = current_app.create_url_adapter(request)
    for method in methods:
        try:
            adapter.match(method=method)
        except HTTPException:
            continue
        return False
    return True


def from_http_error(status: int, exc: Exception | None = None) -> Response:
    """An HTTP error (unknown path, wrong method, bad request, ...) on an API path, as JSON."""
    headers = {}
    valid = getattr(exc, "valid_methods", None)
    if status == 405 and valid and _no_such_path(valid):
        status = 404
    elif status == 405 and valid:
        headers["Allow"] = ", ".join(sorted(valid))
    return error_response(status if status in CODES else 400 if status < 500 else 500, headers=headers)
