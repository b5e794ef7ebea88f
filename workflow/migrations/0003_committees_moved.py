"""The committee's models left the engine for ``committees`` (issue 12): removed from
Django's state only; their tables now belong to ``committees`` (committees/0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0001_initial'),
        ('workflow', '0002_committees'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='voteround',
                    name='committee',
                ),
                migrations.RemoveField(
                    model_name='recognitiondecision',
                    name='committee',
                ),
                migrations.RemoveField(
                    model_name='recognitiondecision',
                    name='level',
                ),
                migrations.RemoveField(
                    model_name='recognitiondecision',
                    name='signed_by',
                ),
                migrations.RemoveField(
                    model_name='voteround',
                    name='decision',
                ),
                migrations.RemoveField(
                    model_name='vote',
                    name='member',
                ),
                migrations.RemoveField(
                    model_name='vote',
                    name='round',
                ),
                migrations.RemoveField(
                    model_name='voteround',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='voteround',
                    name='closed_by',
                ),
                migrations.RemoveField(
                    model_name='voteround',
                    name='transition_log',
                ),
                migrations.DeleteModel(
                    name='Committee',
                ),
                migrations.DeleteModel(
                    name='RecognitionDecision',
                ),
                migrations.DeleteModel(
                    name='Vote',
                ),
                migrations.DeleteModel(
                    name='VoteRound',
                ),
            ],
        ),
    ]
