"""Finding events used to be written on the inspection's timeline, which every unit that sees the
inspection reads; move them onto the finding's own timeline (scoped like the finding)."""
from django.db import migrations


def move_finding_events(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    DomainEvent = apps.get_model("history", "DomainEvent")
    inspection_type = ContentType.objects.filter(app_label="rectification", model="inspection").first()
    if inspection_type is None:
        return
    finding_type, _ = ContentType.objects.get_or_create(app_label="rectification", model="finding")
    events = DomainEvent.objects.filter(content_type=inspection_type, code="rectification.finding.created")
    for event in events.iterator():
        finding_id = (event.data or {}).get("finding")
        if finding_id is None:
            continue
        event.data = {**{k: v for k, v in event.data.items() if k != "finding"}, "inspection": int(event.object_id)}
        event.content_type_id, event.object_id = finding_type.pk, str(finding_id)
        event.save(update_fields=["content_type", "object_id", "data"])


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0002_signoff_and_rework"),
        ("history", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(move_finding_events, migrations.RunPython.noop)]
