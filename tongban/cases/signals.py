"""Hooks for the apps above cases (cases imports none of them): `case_decided` is sent inside the decision's
transaction with `case` (its decision set); a receiver's failure rolls the decision back.
`intake_licences_chosen` is sent inside 收件登记's transaction, once the case is numbered, with `choices`
{material id: licence id} — the electronic licences the clerk ticked instead of paper (免提交); the licences
app checks and records them, and its refusal (a ValidationError) refuses the intake."""
from __future__ import annotations

from django.dispatch import Signal

case_decided = Signal()
intake_licences_chosen = Signal()
