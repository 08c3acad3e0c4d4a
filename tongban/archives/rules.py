"""Who may do what in 电子签名 and 电子档案. What is *seen* is the cases' scope (a package through its case)."""
from __future__ import annotations

import rules

from tongban.cases.rules import handles_case, reviewed_case, sees_cases

# Signing at the counter and the package's full content (it holds the applicant's full ID number and phone):
# those handling the case and leaders over it — the same people who may print its notices.
rules.add_perm("archives.sign", handles_case)
rules.add_perm("archives.download_package", handles_case | reviewed_case)
# Checking a stored package records its status: those who may download it.
rules.add_perm("archives.verify_package", handles_case | reviewed_case)
# The list and a verification reveal nothing personal: everyone with a data scope.
rules.add_perm("archives.view_packages", sees_cases)
