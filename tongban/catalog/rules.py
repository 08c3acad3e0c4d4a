"""Who may change the catalogue (django-rules). What they may *see* is the scope layer's job."""
from __future__ import annotations

import rules

from tongban.org.choices import Role
from tongban.org.rules import has_role, in_scope, is_county_admin, is_unit_manager

# Import / export the whole catalogue, edit bundles, delegate items, load the township list.
rules.add_perm("catalog.manage_catalog", is_county_admin)
# Edit one item: county admins, or the head of the implementing unit (a township admin for its own).
rules.add_perm("catalog.change_item", is_county_admin | (is_unit_manager & in_scope))
rules.add_perm("catalog.manage_intermediaries", is_county_admin)
# The negative list is a rectification matter: the rectification office keeps it with the leaders.
rules.add_perm("catalog.manage_negative_list", is_county_admin | has_role(Role.RECTIFICATION_OFFICE))
