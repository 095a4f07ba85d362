"""Hydrant meter rentals (app label "hydrants"): the meters and hydrants, permits and custody.

Split by subject; import the models from here. Monthly reads, billing and returns live in
hydrants.models.usage.
"""

from hydrants.models.inventory import Hydrant, HydrantMeter
from hydrants.models.permits import HydrantPermit, MeterIssue
from hydrants.models.usage import (  # noqa: F401
    HydrantBill,
    HydrantInspection,
    HydrantInspectionPhoto,
    HydrantRead,
    HydrantSettlement,
)

__all__ = ["Hydrant", "HydrantMeter", "HydrantPermit", "MeterIssue"]
