"""The dashboard per role (issue 11: under 100 ms median on 50,000 experts) and the report pages."""
from bench.common import Figure, median_time
from bench.pool import signed_in_client
from seconding.models import Role

ROLES = ((Role.COORDINATOR, "MFA"), (Role.HR_OFFICER, "POLICE"), (Role.VIEWER, "MFA"))
REPORTS = ("deployed", "years", "funnel", "readiness", "training")


def run(app, n: int) -> list[Figure]:
    figures = []
    bare = None
    for role, institution in ROLES:
        client = signed_in_client(app, role, institution)

        def get(url, client=client):
            response = client.get(url)
            assert response.status_code == 200, url

        if bare is None:
            bare = median_time(lambda: get("/healthz"), repeat=50)
            figures.append(Figure("floor: bare Flask response (/healthz)", bare))
        figures.append(Figure(f"dashboard: {role.value} ({institution})", median_time(lambda: get("/"), repeat=15),
                              bare, 0.100, "bare Flask"))
    client = signed_in_client(app, Role.COORDINATOR, "MFA")
    for slug in REPORTS:
        seconds = median_time(lambda s=slug: client.get(f"/reports/{s}"), repeat=5, warmup=1)
        figures.append(Figure(f"report page: {slug} (coordinator, whole pool)", seconds, bare, None, "bare Flask"))
    return figures
