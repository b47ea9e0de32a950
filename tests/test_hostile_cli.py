"""Property-based: hostile and random arguments to every command. A command either does its work or prints a clear
message and exits non-zero; it never dies with a traceback, and a refused command changes nothing."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_hostile_forms import HOSTILE
from tests.test_routes import snapshot

TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=30).filter(
    lambda s: "\x00" not in s and not s.startswith("-")))


def _file(tmp_path, content: str, suffix: str) -> str:
    path = tmp_path / f"hostile{suffix}"
    path.write_bytes(content.encode("utf-8", "surrogatepass"))
    return str(path)


COMMANDS = {
    "users create": lambda v, tmp: ["users", "create", "--email", v, "--name", v, "--role", "viewer",
                                     "--institution", v, "--password", v],
    "register import": lambda v, tmp: ["register", "import", _file(tmp, "institution,external_id\n" + v, ".csv")],
    "register import (dry run, xlsx name)": lambda v, tmp: ["register", "import", _file(tmp, v, ".xlsx"),
                                                            "--dry-run"],
    "positions import": lambda v, tmp: ["positions", "import", _file(tmp, "mission,cfc_ref\n" + v, ".csv")],
    "match position": lambda v, tmp: ["match", "position", v, "--as-of", v, "--json"],
    "match expert": lambda v, tmp: ["match", "expert", v, v],
    "plan cfc": lambda v, tmp: ["plan", "cfc", v, "--as-of", v],
    "digest send": lambda v, tmp: ["digest", "send", "--period", v, "--dry-run"],
    "digest send --to": lambda v, tmp: ["digest", "send", "--to", v, "--dry-run"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=TEXT)
def test_hostile_arguments(runner, db, tmp_path, command, value):
    before = snapshot()
    result = runner.invoke(args=COMMANDS[command](value, tmp_path))
    assert result.exception is None or isinstance(result.exception, SystemExit), (command, value, result.output)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.output.strip(), (command, value)
        assert snapshot() == before, (command, value)
