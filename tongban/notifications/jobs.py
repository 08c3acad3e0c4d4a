"""The inbox's scheduled work: a weekly email digest of unread messages, a monthly clean-up."""
from tongban.jobs.registry import job
from tongban.notifications import services


@job("notifications.weekly_digest", frequency="weekly", title="每周未读消息邮件摘要")
def weekly_digest(run, for_date):
    return services.send_weekly_digests(for_date, progress=run.set_progress)


@job("notifications.purge_read", frequency="monthly", title="清理半年前的已读消息")
def purge_read(run, for_date):
    return services.purge_read(services.retention_cutoff(for_date))
