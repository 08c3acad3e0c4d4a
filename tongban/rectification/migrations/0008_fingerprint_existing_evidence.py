"""Fingerprint the evidence already stored (SHA-256 from the file's bytes, the photo's perceptual hash, the
document's text and date), 200 files per bulk UPDATE, so the signals compare old files too. A file that
cannot be read keeps the hash taken at upload and empty fingerprints. Reversing forgets the fingerprints
(the next signals run takes them again)."""
from django.db import migrations


def fingerprint_existing(apps, schema_editor):
    from tongban.rectification.fingerprints import fingerprint_rows

    fingerprint_rows(apps.get_model("rectification", "Evidence"))


def forget(apps, schema_editor):
    apps.get_model("rectification", "Evidence").objects.update(phash="", text="", made_on=None, fingerprinted_at=None)


class Migration(migrations.Migration):
    dependencies = [("rectification", "0007_evidence_fingerprints_and_signals")]
    operations = [migrations.RunPython(fingerprint_existing, forget)]
