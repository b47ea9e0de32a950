"""What a notification says, in the recipient's language: a title, a few lines and a link into the app.

A notification row keeps codes and values (params); the words are chosen here, when the e-mail is written, so each
recipient reads their own language, and the daily summary says the same as the e-mails sent at once."""
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from seconding.care.labels import INCIDENT_KIND_LABELS
from seconding.models import Notification
from seconding.nominations.workflow import ACTION_LABELS, NOMINATION_STATUS_LABELS


@dataclass
class Item:
    title: str
    lines: list[str] = field(default_factory=list)
    link: str = ""
    link_text: str = ""


def _days(days: int) -> str:
    if days < 0:
        return ngettext("%(num)d day overdue", "%(num)d days overdue", -days)
    if days == 0:
        return _("today")
    return ngettext("in %(num)d day", "in %(num)d days", days)


def _nomination(n: Notification) -> Item:
    p = n.params
    who = _("%(expert)s for %(position)s (%(cfc)s)", expert=p["expert"], position=p["position"], cfc=p["cfc"])
    titles = {
        "submit": _("Nomination submitted: %(who)s", who=who),
        "return": _("Nomination returned to the service: %(who)s", who=who),
        "reject": _("Nomination rejected: %(who)s", who=who),
    }
    title = titles.get(p["action"]) or _("Nomination %(status)s: %(who)s", status=NOMINATION_STATUS_LABELS[p["status"]],
                                         who=who)
    lines = [_("%(actor)s: %(action)s (%(old)s → %(new)s).", actor=p["actor"], action=ACTION_LABELS[p["action"]],
               old=NOMINATION_STATUS_LABELS[p["from"]], new=NOMINATION_STATUS_LABELS[p["status"]])]
    if p.get("day"):
        lines.append(_("Date of the step: %(day)s.", day=p["day"]))
    if p.get("comment"):
        lines.append(_("Comment: %(comment)s", comment=p["comment"]))
    return Item(title, lines, url_for("nominations.detail", nomination_id=p["nomination"], _external=True),
                _("Open the nomination"))


def _cfc_opened(n: Notification) -> Item:
    p = n.params
    lines = [_("National deadline: %(deadline)s (Warsaw time).", deadline=p["national"])]
    for reference, title, count in p["positions"]:
        lines.append(ngettext("%(position)s (%(title)s): %(num)d of your experts qualifies.",
                              "%(position)s (%(title)s): %(num)d of your experts qualify.", count,
                              position=reference, title=title))
    return Item(_("New call for contributions: %(cfc)s (%(mission)s)", cfc=p["reference"], mission=p["mission"]),
                lines, url_for("missions.cfc", cfc_id=p["cfc"], _external=True), _("Open the call"))


def _deadline(n: Notification) -> Item:
    p = n.params
    lines = [_("National deadline: %(deadline)s (Warsaw time), %(when)s.", deadline=p["national"],
               when=_days(p["days"])),
             _("Positions without a nomination from your services: %(positions)s.",
               positions=", ".join(p["positions"]))]
    return Item(_("Call %(cfc)s: national deadline %(when)s", cfc=p["reference"], when=_days(p["days"])), lines,
                url_for("missions.cfc", cfc_id=p["cfc"], _external=True), _("Open the call"))


def _tour_ending(n: Notification) -> Item:
    p = n.params
    return Item(_("Tour ending %(when)s: %(expert)s in %(mission)s", when=_days(p["days"]), expert=p["expert"],
                  mission=p["mission"]),
                [_("Planned end: %(end)s. Extend it, or prepare the return and the debrief.", end=p["end"])],
                url_for("deployments.detail", deployment_id=p["deployment"], _external=True), _("Open the tour"))


def _nip_due(n: Notification) -> Item:
    p = n.params
    title = (_("NIP action overdue: %(code)s %(title)s", code=p["code"], title=p["title"]) if p["days"] < 0 else
             _("NIP action due %(when)s: %(code)s %(title)s", when=_days(p["days"]), code=p["code"], title=p["title"]))
    return Item(title, [_("Due on %(due)s; report its progress.", due=p["due"])],
                url_for("nip.action", action_id=p["action"], _external=True), _("Open the action"))


def _incident(n: Notification) -> Item:
    p = n.params
    where = f"{p['mission']}, {p['location']}" if p.get("location") else p["mission"]
    lines = [_("Date: %(on)s. Kind: %(kind)s.", on=p["on"], kind=INCIDENT_KIND_LABELS[p["kind"]])]
    if p.get("by"):
        lines.append(_("Recorded by %(by)s.", by=p["by"]))
    lines.append(_("What happened, the follow-up and who was informed are on the tour's page."))
    return Item(_("Incident on a tour: %(expert)s in %(where)s", expert=p["expert"], where=where), lines,
                url_for("deployments.detail", deployment_id=p["deployment"], _anchor="incidents-heading",
                        _external=True), _("Open the tour"))


WRITERS = {
    "nomination_submitted": _nomination, "nomination_returned": _nomination, "nomination_eeas": _nomination,
    "cfc_opened": _cfc_opened, "deadline": _deadline, "tour_ending": _tour_ending, "nip_due": _nip_due,
    "incident": _incident,
}


def item(notification: Notification) -> Item:
    """The notification in the current language (call inside the recipient's locale and a request context)."""
    return WRITERS[notification.kind](notification)
