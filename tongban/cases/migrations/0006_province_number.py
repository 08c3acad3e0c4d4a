from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_projects_priority'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='province_number',
            field=models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name='省平台办件编号'),
        ),
    ]
