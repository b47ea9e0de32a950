"""Requests checked against the OpenAPI document: the parameters an endpoint takes, and bodies against their schema
(jsonschema, draft 2020-12, as OpenAPI 3.1 uses), with messages a person can read."""
from functools import lru_cache

from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from seconding.api.openapi import document, operation_for

DOCUMENT_URI = "urn:seconding:api"


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The document as a resource, so `#/components/schemas/...` references resolve."""
    return Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document(), DRAFT202012))


@lru_cache(maxsize=64)
def validator(pointer: str) -> Draft202012Validator:
    """A validator for the schema at this JSON pointer of the document."""
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry())


def parameter_names(endpoint: str | None) -> frozenset[str]:
    """Query parameters the document describes for the endpoint."""
    if endpoint is None:
        return frozenset()
    parameters = operation_for(endpoint)[4]
    return frozenset(p["name"] for p in parameters if p["in"] == "query")


def _where(path) -> str:
    """A field's place as people write it: languages[0].level."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error) -> str:
    kind = error.validator
    if kind == "type":
        return _("Must be of type %(type)s.", type=" or ".join(error.validator_value)
                 if isinstance(error.validator_value, list) else error.validator_value)
    if kind == "enum":
        return _("Choose one of: %(values)s.", values=", ".join(map(str, error.validator_value)))
    if kind == "maxLength":
        return _("At most %(n)d characters.", n=error.validator_value)
    if kind in ("minimum", "maximum"):
        return _("Out of range.")
    if kind == "maxItems":
        return _("At most %(n)d entries.", n=error.validator_value)
    if kind == "pattern":
        return _("Not in the expected format.")
    return _("Not valid.")


def body_problems(schema_name: str, data) -> dict[str, str]:
    """Field -> message for every way the body differs from its schema (empty when it conforms)."""
    problems: dict[str, str] = {}
    for error in sorted(validator(f"/components/schemas/{schema_name}").iter_errors(data),
                        key=lambda e: list(map(str, e.absolute_path))):
        # anyOf (a value or null) reports its branches; the first branch says what was expected.
        cause = error.context[0] if error.validator == "anyOf" and error.context else error
        place = _where(error.absolute_path)
        if error.validator == "required":
            for name in error.validator_value:
                if isinstance(error.instance, dict) and name not in error.instance:
                    problems.setdefault(_where([*error.absolute_path, name]), _("Required."))
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            for name in error.instance:
                if name not in allowed:
                    problems.setdefault(_where([*error.absolute_path, str(name)[:60]]), _("Unknown field."))
        else:
            problems.setdefault(place or "body", _message(cause))
    return problems
