"""`tongban bench signals` builds a ledger with real files, scans it beside its references, prints the keys
with --json, and keeps nothing."""
import json
from io import StringIO

import pytest
from django.core.management import call_command

from tongban.rectification.models import Evidence, Measure, Signal
from tongban.rectification.signals_bench import JSON_KEYS

pytestmark = pytest.mark.django_db


def test_bench_signals_json_prints_its_keys_with_references_and_rolls_back():
    out = StringIO()
    call_command("bench", "signals", "--measures", "40", "--files", "400", "--json", stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    assert tuple(report) == JSON_KEYS
    assert (report["measures"], report["evidence_files"], report["rescan_changes"]) == (40, 400, 0)
    assert report["reference"]["hash_seconds"] > 0 and report["reference"]["select_seconds"] > 0
    assert report["by_kind"].get("same_file")  # file 199 and 399 reuse earlier ones
    assert not (Measure.objects.exists() or Evidence.objects.exists() or Signal.objects.exists())


def test_bench_signals_without_json_prints_the_figures_beside_their_references():
    out = StringIO()
    call_command("bench", "signals", "--measures", "10", "--files", "20", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "参照：同样的文件只读取并用 hashlib 计算 SHA-256" in text and "参照：提示所读各列的普通 SELECT" in text
