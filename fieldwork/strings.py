"""The offline app's interface text, translated on the server and embedded in the app shell (the shell
is cached by the service worker, so the words are there without a signal)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def app_strings() -> dict[str, str]:
    return {
        "title": _("Field visits"),
        "online": pgettext("network", "Online"),
        "offline": pgettext("network", "Offline"),
        "waiting": _("%(n)s waiting to sync"),
        "nothing_waiting": _("Nothing waiting"),
        "last_sync": _("Last sync: %(when)s"),
        "never_synced": _("Never synced"),
        "sync_now": _("Sync now"),
        "syncing": _("Syncing…"),
        "synced": _("Synced: %(accepted)s accepted, %(refused)s need your attention."),
        "sync_nothing": _("Nothing new to send."),
        "sync_failed": _("No connection: the records stay on the phone and go when the signal returns."),
        "households": _("Households in my care"),
        "search": _("Search name, pinyin or number"),
        "no_households": _("No households on this phone yet. Open the app once with a signal."),
        "queue": _("Waiting and refused records"),
        "members": _("Members"),
        "latest_visit": _("Latest visit"),
        "no_visit": _("Not visited yet"),
        "follow_ups": _("Open follow-ups"),
        "no_follow_ups": _("No open follow-ups"),
        "due": _("due %(date)s"),
        "close": _("Mark done"),
        "close_outcome": _("What was done (optional)"),
        "plan": _("Assistance plan"),
        "no_plan": _("No plan"),
        "measures": _("Measures"),
        "checks": _("Re-verification checks (回头看)"),
        "check_confirm": _("Record matches"),
        "check_problem": _("Problem found"),
        "check_findings": _("Findings (required for a problem)"),
        "log_visit": _("Log a visit"),
        "visited_on": _("Date of visit"),
        "findings": _("What was found"),
        "needs": _("Household's needs"),
        "follow_up_new": _("Promised follow-up"),
        "follow_up_due": _("Due date"),
        "add_follow_up": _("Add a follow-up"),
        "photos": _("Photos (at most %(n)s, compressed on the phone)"),
        "save": _("Save on the phone"),
        "cancel": _("Cancel"),
        "saved": _("Saved on the phone. It will be sent when there is a signal."),
        "findings_required": _("Write down what you found at the household."),
        "too_many_photos": _("At most %(n)s photos per visit."),
        "pending": _("Waiting"),
        "refused": pgettext("sync", "Refused"),
        "conflict": _("Conflict"),
        "send_anyway": _("Send anyway"),
        "discard": _("Delete this record"),
        "discard_confirm": _("Delete this record from the phone? It has not been written on the server."),
        "kind_visit": _("Visit"),
        "kind_follow_up_close": _("Follow-up done"),
        "kind_check": _("Re-verification check"),
        "made_at": _("made %(when)s"),
        "logout": _("Log out"),
        "logout_confirm": _(
            "%(n)s records are not synced yet. Logging out deletes them from this phone. Log out?"
        ),
        "revoked": _("This device was revoked by the county administrator. Its local copy was deleted."),
        "expired": _(
            "The copy on this phone was not synced for %(n)s days and was deleted. Sync with a signal to get it back."
        ),
        "signed_out": _("You are signed out. Sign in again with a signal."),
        "back": _("Back"),
        "install_hint": _("Add this app to the home screen to open it without a signal."),
        "photo_pending": _("photo waiting to upload"),
        "new_follow_up_pending": _("promised in a visit not yet synced"),
        "offline_only_copy": _(
            "Only the households in your care are kept on this phone, with ID numbers masked."
        ),
    }
