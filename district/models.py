"""District-wide records: the user, and the capability permissions roles are made of."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from district.roles import PERMISSION_DESCRIPTIONS


class User(AbstractUser):
    """A staff member or an online customer; the role is the group they belong to."""

    class Meta:
        db_table = "district_user"


class Capability(models.Model):
    """Holds the staff permissions (district.<codename>); it has no rows and no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = PERMISSION_DESCRIPTIONS

    def __str__(self):
        return "District capability"
