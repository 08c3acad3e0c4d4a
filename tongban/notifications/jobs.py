"""The inbox's scheduled work: a weekly email digest of unread messages, a monthly clean-up."""
from tongban.jobs.registry import job
from tongban.notifications import services


@job("notifications.weekly_digest", frequency="weekly", title="每周未读消息邮件摘要")
def weekly_digest(run, for_date):
    return services.send_weekly_digests(for_date, progress=run.set_progress)


@job("notifications.purge_read", frequency="monthly", title="清理半年前的已读消息")
def purge_read(run, for_date):
    return services.purge_read(services.retention_cutoff(for_date))


@job("notifications.retry_channels", frequency="daily", title="重发未送达的工作群和短信消息")
def retry_channels(run, for_date):
    """The daily safety net beside the worker's five-minute retry: sends what is due, reports what was given up."""
    from tongban.notifications import channels

    return channels.retry_due()
