from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_tracking_attempt'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='province_number',
            field=models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name='省平台办件编号'),
        ),
    ]
