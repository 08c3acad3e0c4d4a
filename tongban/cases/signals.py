"""Hooks for the apps above cases (cases imports none of them): `case_decided` is sent inside the decision's
transaction with `case` (its decision set); a receiver's failure rolls the decision back."""
from __future__ import annotations

from django.dispatch import Signal

case_decided = Signal()
