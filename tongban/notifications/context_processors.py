def unread(request):
    """Filled in by the notifications app: the unread count for the navigation bar."""
    return {}
