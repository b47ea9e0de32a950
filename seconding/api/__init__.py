"""The JSON API under /api/v1: personal bearer tokens, the pages' roles and scope, an OpenAPI document."""
