"""Who may configure a unit's message channels (group robots, SMS gateway): whoever may change the unit."""
from __future__ import annotations

import rules


@rules.predicate
def may_change_unit(user, unit) -> bool:
    return unit is not None and user.has_perm("org.change_unit", unit)


rules.add_perm("notifications.manage_channels", may_change_unit)
