"""电子监察 (issue 11): clock states, cards and 督办 over the cases' stored clocks (docs/supervision.md)."""
