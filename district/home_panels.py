"""The district's own entries on the staff home page and menu.

The home page holds the person's queues and counts (panels other apps register); the menu in the
header is the one place pages are listed, so the home page does not repeat it.
"""

from district import navigation
from district.roles import Perm

navigation.register(
    navigation.NavItem("Policies", "policies", Perm.VIEW_ACCOUNTS, order=90, group="supervision")
)
