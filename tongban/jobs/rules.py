"""Who may see the jobs page and start a job by hand."""
import rules

from tongban.org.rules import is_county_admin, is_county_reader

rules.add_perm("jobs.view_jobs", is_county_reader)  # the jobs page, run details, /api/v1/job-runs/
rules.add_perm("jobs.run_job", is_county_admin)  # the 立即运行 form
