def unread(request):
    """The unread count for the navigation bar: one COUNT query (indexed on recipient, read_at)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from tongban.notifications.services import unread_count

    return {"unread_count": unread_count(user)}
