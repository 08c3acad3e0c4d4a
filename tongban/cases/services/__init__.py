"""Every write of case handling, one module per noun (intake, review, delivery, deadlines); each function is
atomic, checks the transition table, appends its CaseEvent and notifies on commit."""
