"""The route × role table, one module per area; each module defines ROUTES (see foundation.py).

Each row: endpoint -> (methods to try, roles allowed (None = no sign-in needed), url arguments from ctx,
form data for POST from ctx). `ctx` is built in tests/fixtures_routes.py and may be extended by
`extend_ctx(ctx)` functions of the area modules (to create the objects their URLs need).
"""
import importlib
import pkgutil

ROUTES: dict = {}
CTX_BUILDERS: list = []
# Endpoints whose URL names an object of the POLICE in ctx: users outside that scope must get 404 (or 403).
SCOPED: set = set()

for _info in pkgutil.iter_modules(__path__):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    ROUTES.update(getattr(_module, "ROUTES", {}))
    SCOPED.update(getattr(_module, "SCOPED", set()))
    if hasattr(_module, "extend_ctx"):
        CTX_BUILDERS.append(_module.extend_ctx)
