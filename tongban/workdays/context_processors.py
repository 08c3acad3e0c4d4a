def calendar_banner(request):
    """Filled in by the workdays app: a banner while a year the clocks reach is provisional."""
    return {}
