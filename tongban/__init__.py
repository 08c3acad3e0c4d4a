"""通办 tongban: the county government service centre platform."""
