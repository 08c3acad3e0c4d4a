"""`jobs.queue.enqueue_on_commit`: a task is queued only once the write has committed, never after a rollback,
and a queue that is down is logged while the request that made the change still succeeds."""
from __future__ import annotations

import logging
from datetime import date

import pytest
from django.db import transaction

from tongban.jobs.queue import enqueue_on_commit
from tongban.jobs.tasks import run_job_task

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)


@pytest.fixture
def queue_down(monkeypatch):
    """Every enqueue fails as it does when Redis is unreachable."""
    from huey.contrib.djhuey import HUEY

    def refuse(task):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(HUEY, "enqueue", refuse)
    return HUEY


def test_the_task_runs_only_once_the_transaction_commits(counter_jobs, huey_immediate,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue_on_commit(run_job_task, "tests.daily", DAY.isoformat(), None)
            assert counter_jobs["daily"].calls == []
        assert counter_jobs["daily"].calls == []  # the test's outer transaction is still open
    assert counter_jobs["daily"].calls == [DAY]


def test_the_task_never_runs_when_the_transaction_rolls_back(counter_jobs, huey_immediate,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(run_job_task, "tests.daily", DAY.isoformat(), None)
            raise RuntimeError("the write failed")
    assert callbacks == [] and counter_jobs["daily"].calls == []


def test_a_queue_that_is_down_is_logged_and_not_raised(counter_jobs, queue_down, caplog,
                                                       django_capture_on_commit_callbacks):
    with caplog.at_level(logging.ERROR, logger="tongban.jobs"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            enqueue_on_commit(run_job_task, "tests.daily", DAY.isoformat(), None)
    assert len(callbacks) == 1 and counter_jobs["daily"].calls == []
    [record] = [r for r in caplog.records if r.name == "tongban.jobs"]
    assert "could not queue" in record.getMessage() and "run_job_task" in record.getMessage()
    assert record.exc_info and isinstance(record.exc_info[1], ConnectionError)


def test_a_list_of_ids_is_counted_in_the_log(queue_down, caplog, django_capture_on_commit_callbacks):
    from tongban.rectification.tasks import scan_signals_task

    with caplog.at_level(logging.ERROR, logger="tongban.jobs"):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(scan_signals_task, [4, 5, 6])
    assert any("for 3 id(s)" in r.getMessage() for r in caplog.records if r.name == "tongban.jobs")
