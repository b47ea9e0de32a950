"""Requests checked against the OpenAPI document: the parameters an endpoint takes, and bodies against their schema
(jsonschema, draft 2020-12, as OpenAPI 3.1 uses), with messages a person can read."""
import re
from functools import lru_cache

from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
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
    """A validator for the schema at this JSON pointer of the document (formats checked: a date must exist)."""
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry(),
                                format_checker=FormatChecker())


def parameter_names(endpoint: str | None) -> frozenset[str]:
    """Query parameters the document describes for the endpoint."""
    if endpoint is None:
        return frozenset()
    parameters = operation_for(endpoint)[4]
    return frozenset(p["name"] for p in parameters if p["in"] == "query")


def _parameter_message(schema: dict) -> str:
    """What a query parameter must be, said as a person would."""
    if schema.get("type") == "integer":  # every integer parameter of the document has both bounds
        return _("Give a whole number from %(low)d to %(high)d.", low=schema["minimum"], high=schema["maximum"])
    if "enum" in schema:
        return _("Choose one of: %(values)s.", values=", ".join(schema["enum"]))
    if schema.get("format") == "date":
        return _("Give a date as YYYY-MM-DD, from 2000 to 2099.")
    if "maxLength" in schema:
        return _("At most %(n)d characters.", n=schema["maxLength"])
    return _("Not valid.")


def query_problems(endpoint: str, args: dict[str, str]) -> dict[str, str]:
    """Parameter -> message for every given query parameter whose value its schema in the document refuses (an
    empty value included: a parameter is given with a value, or left out)."""
    schemas = {p["name"]: p["schema"] for p in operation_for(endpoint)[4] if p["in"] == "query"}
    problems = {}
    for name, value in args.items():
        schema = schemas[name]
        if schema.get("type") == "integer":
            value = int(value) if re.fullmatch(r"-?[0-9]{1,20}", value) else None
            if value is None:
                problems[name] = _parameter_message(schema)
                continue
        if not Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(value):
            problems[name] = _parameter_message(schema)
    return problems


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
    if kind == "format" and error.validator_value == "date":
        return _("Not a valid date.")
    if kind == "minLength":
        return _("Required.")
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
