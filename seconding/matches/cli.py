"""`flask match position|expert` and `flask plan cfc`: thin shells over seconding.matches.results, full scope."""
import json
from datetime import date

import click
from sqlalchemy import func, select, true

from seconding.dates import in_range, range_message, today_in_warsaw
from seconding.extensions import db
from seconding.matches import results
from seconding.missions.queries import cfc_by_reference, positions_by_reference
from seconding.models import Expert, Institution


class DateType(click.ParamType):
    """A calendar date as YYYY-MM-DD, with a clear message otherwise."""

    name = "DATE"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-03-01", param, ctx)
        if not in_range(day):
            self.fail(f"{value!r}: {range_message()}", param, ctx)
        return day


DATE = DateType()
AS_OF_HELP = "evaluate as of this date (YYYY-MM-DD; default today)"


def _echo_json(document: dict) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _findings_text(row: results.Row) -> str:
    problems = [f for f in row.evaluation.findings if f.outcome != "met"]
    return "; ".join(f"{f.outcome} {f.rule}: {f.detail}" for f in problems) or "all rules met"


@click.group("match")
def match() -> None:
    """Rank experts for a position, or open positions for an expert (full scope)."""


@match.command("position")
@click.argument("position_ref")
@click.option("--cfc", "cfc_ref", default=None, help="the CfC's reference, when the position code is in several")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="show at most N experts")
@click.option("--all", "include_all", is_flag=True, help="list ineligible experts too, with their blockers")
@click.option("--as-of", "as_of", type=DATE, default=None, help=AS_OF_HELP)
@click.option("--json", "as_json", is_flag=True, help="print one JSON document (SPEC §6)")
def match_position(position_ref: str, cfc_ref: str | None, limit: int | None, include_all: bool,
                   as_of: date | None, as_json: bool) -> None:
    """Experts ranked for the position POSITION_REF (e.g. "GEO ZM 12")."""
    if cfc_ref is not None and cfc_by_reference(cfc_ref) is None:
        raise click.ClickException(f"Unknown CfC {cfc_ref!r}.")
    found = positions_by_reference(position_ref, cfc_ref)
    if not found:
        where = f" in CfC {cfc_ref!r}" if cfc_ref else ""
        raise click.ClickException(f"Unknown position {position_ref!r}{where}.")
    if len(found) > 1:
        cfcs = ", ".join(p.cfc.reference for p in found)
        raise click.ClickException(f"Position {position_ref!r} is in several CfCs ({cfcs}); choose one with --cfc.")
    result = results.rank_position(found[0], scope=true(), as_of=as_of or today_in_warsaw(),
                                   include_ineligible=include_all, limit=limit)
    if as_json:
        _echo_json(results.position_match_json(result))
        return
    p = result.position
    click.echo(f"{p.cfc_ref} / {p.position_ref}: {p.title}")
    click.echo(f"start {result.start}, end {result.end}, as of {result.as_of}; {p.posts} post(s); "
               f"{result.eligible} eligible, {result.with_gaps} with gaps"
               + (f", {result.ineligible} ineligible" if result.ineligible is not None else ""))
    if not result.rows:
        click.echo("No expert to show.")
    for rank, row in enumerate(result.rows, start=1):
        e = row.expert
        click.echo(f"{rank:>4}  {row.evaluation.status:<10} {row.evaluation.score:>3}  {e.institution:<12} "
                   f"{e.external_id:<12} {e.given_name} {e.family_name}  -- {_findings_text(row)}")


@match.command("expert")
@click.argument("institution")
@click.argument("external_id")
@click.option("--all", "include_all", is_flag=True, help="list positions the expert is ineligible for too")
@click.option("--as-of", "as_of", type=DATE, default=None, help=AS_OF_HELP)
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
def match_expert(institution: str, external_id: str, include_all: bool, as_of: date | None, as_json: bool) -> None:
    """Open positions for the expert EXTERNAL_ID of INSTITUTION (e.g. POLICE P-00123)."""
    inst = db.session.scalar(select(Institution).where(Institution.code == institution.strip().upper()))
    if inst is None:
        raise click.ClickException(f"Unknown institution {institution!r}.")
    expert = db.session.scalar(select(Expert).where(
        Expert.institution_id == inst.id, func.upper(Expert.external_id) == external_id.strip().upper()))
    if expert is None:
        raise click.ClickException(f"No expert {external_id!r} in {inst.code}.")
    result = results.match_expert(expert, as_of=as_of or today_in_warsaw(), include_ineligible=include_all)
    if as_json:
        _echo_json(results.expert_match_json(result))
        return
    click.echo(f"{expert.name} ({inst.code} {expert.external_id}), as of {result.as_of}: "
               f"{len(result.rows)} of {result.screened} open positions")
    for row in result.rows:
        p = row.position
        click.echo(f"  {row.evaluation.status:<10} {row.evaluation.score:>3}  {p.cfc_ref} / {p.position_ref}: "
                   f"{p.title}  -- {_findings_text(row)}")


@click.group("plan")
def plan() -> None:
    """Staffing plans (full scope)."""


@plan.command("cfc")
@click.argument("cfc_ref")
@click.option("--as-of", "as_of", type=DATE, default=None, help=AS_OF_HELP)
@click.option("--json", "as_json", is_flag=True, help="print one JSON document (SPEC §6)")
def plan_cfc_command(cfc_ref: str, as_of: date | None, as_json: bool) -> None:
    """The optimal assignment of experts to the posts of the CfC CFC_REF."""
    cfc = cfc_by_reference(cfc_ref)
    if cfc is None:
        raise click.ClickException(f"Unknown CfC {cfc_ref!r}.")
    result = results.plan_for_cfc(cfc, scope=true(), as_of=as_of or today_in_warsaw())
    if as_json:
        _echo_json(results.plan_json(result))
        return
    click.echo(f"{cfc.reference}, as of {result.as_of}: {result.plan.filled} of {result.posts} posts filled, "
               f"total score {result.plan.total_score} ({result.pool} active experts screened)")
    for assignment, row in zip(result.plan.assignments, result.rows):
        e = row.expert
        click.echo(f"  {row.position.position_ref:<14} {assignment.score:>3}  {e.institution:<12} "
                   f"{e.external_id:<12} {e.given_name} {e.family_name}  -- {_findings_text(row)}")
    for unfilled in result.plan.unfilled:
        click.echo(f"  {result.position(unfilled.position_id).position_ref:<14} unfilled: {unfilled.missing} "
                   f"post(s): {unfilled.reason}")


commands = [match, plan]
