"""Four URLs per register (page, .csv, .xlsx, .pdf), named registers:<slug>[_<format>] so the
menu reverses them without arguments. Registers are registered by the apps' ready(), which
runs before the URLconf is imported."""

from django.urls import path

from district.registers.definitions import REGISTERS
from district.registers.views import FORMATS, PAGE, view_for

app_name = "registers"

urlpatterns = []
for register in REGISTERS.entries():
    for fmt in FORMATS:
        if fmt == PAGE:
            route, name = f"registers/{register.slug}/", register.slug
        else:
            route, name = f"registers/{register.slug}.{fmt}", f"{register.slug}_{fmt}"
        urlpatterns.append(path(route, view_for(register, fmt), name=name))
