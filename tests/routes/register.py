"""Routes of the register: import, export, template and example, the person's own data."""
import io

from tests.routes.common import COORD, PERSONAL

HEADER = ("institution,external_id,given_name,family_name,sex,date_of_birth,email,phone,rank,expertise,"
          "experience_years,languages,clearance_level,clearance_expires,passport_expires,driving_licence,"
          "available_from,short_notice,status,trainings,notes\r\n")


def _upload(ctx) -> dict:
    content = HEADER + "POLICE,ROUTE-NEW,Ewa,Trasowa,F,,,,,,4,en:B2,,,,,,,,,\r\n"
    return {"file": (io.BytesIO(content.encode()), "register.csv"), "institution": ""}


def _expert(ctx) -> dict:
    return {"expert_id": ctx["register_expert"].id}


ROUTES = {
    "register.index": (("GET",), PERSONAL, None, None),
    "register.upload": (("POST",), PERSONAL, None, _upload),
    "register.confirm": (("POST",), PERSONAL, None, {"token": "expired-token-000000000000"}),
    "register.export": (("GET",), PERSONAL, lambda ctx: {"format": "csv", "institution": "POLICE"}, None),
    "register.start_export": (("POST",), PERSONAL, None, {"format": "csv", "institution": "POLICE"}),
    "register.template": (("GET",), PERSONAL, None, None),
    "register.example": (("GET",), PERSONAL, lambda ctx: {"fmt": "xlsx"}, None),
    "register.expert_export": (("POST",), COORD, _expert, {}),
    "register.anonymise": (("GET", "POST"), COORD, _expert, {}),
}

SCOPED = {"register.expert_export", "register.anonymise"}


def extend_ctx(ctx: dict) -> None:
    """A Police expert who left the pool (the one the person's-data routes name)."""
    from seconding.models import PoolStatus

    ctx["register_expert"] = ctx["make_expert"]("POLICE", external_id="P-LEFT", pool_status=PoolStatus.LEFT)
