"""The role groups (reader, editor, admin) and the HR group; existing users
become readers, staff users editors."""
from django.conf import settings
from django.db import migrations


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    reader, _ = Group.objects.get_or_create(name=settings.KIKI_ROLE_READER)
    editor, _ = Group.objects.get_or_create(name=settings.KIKI_ROLE_EDITOR)
    admin, _ = Group.objects.get_or_create(name=settings.KIKI_ROLE_ADMIN)
    Group.objects.get_or_create(name=settings.KIKI_HR_GROUP)
    for user in User.objects.all():
        user.groups.add(reader)
        if user.is_staff:
            user.groups.add(editor)
        if user.is_superuser:
            user.groups.add(admin)


class Migration(migrations.Migration):
    dependencies = [
        ("authz", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
