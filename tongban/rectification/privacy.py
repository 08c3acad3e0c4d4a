"""Who handles a measure, and its free text as a reader who does not handle it sees it.

A measure's *handlers* are whoever runs the ledger (`rectification.manage`: 整改办, the centre's leaders,
administrators) and the staff of the units on it (lead, coordinating, supporting). Other readers — a
county-wide inspector, a township admin reading a village's measure, a clerk — see 身份证号 in its free
text masked (core.masking), on the page, in the lists and in the exports.
"""
from __future__ import annotations

from tongban.core.masking import mask_id_numbers
from tongban.rectification.models import Measure, MeasureUnit

FREE_TEXT = ("text", "progress_note", "result", "last_return_reason")


def handled_measure_ids(user):
    """None when the user handles every measure; otherwise the set of measure ids they handle (one query)."""
    if user.has_perm("rectification.manage"):
        return None
    staff = getattr(user, "staff", None) if hasattr(user, "staff") else None
    if staff is None:
        return set()
    led = Measure.objects.filter(lead_unit_id=staff.unit_id).order_by().values_list("pk", flat=True)
    on = MeasureUnit.objects.filter(unit_id=staff.unit_id).order_by().values_list("measure_id", flat=True)
    return set(led.union(on))


def handles(user, measure) -> bool:
    handled = handled_measure_ids(user)
    return handled is None or measure.pk in handled


def masked(measure, handled):
    """`measure` with its free text masked (in memory only: for showing and exporting, never saved) unless
    its id is in `handled` (None: all handled).

    Only the text the row was read with is masked: a list reads its rows `.only()` the columns it shows,
    and reading a left-out column here would cost one query per row (50 per page, 20,000 per export, for
    text the list never shows). A left-out column stays left out; read it masked by loading it first."""
    if handled is None or measure.pk in handled:
        return measure
    deferred = measure.get_deferred_fields()
    for name in FREE_TEXT:
        if name not in deferred:
            setattr(measure, name, mask_id_numbers(getattr(measure, name)))
    return measure


def masked_row(row, handled):
    """A list row (a measure, or a unit's role on one) as the reader may see it."""
    if isinstance(row, Measure):
        return masked(row, handled)
    if isinstance(row, MeasureUnit):
        masked(row.measure, handled)
    return row
