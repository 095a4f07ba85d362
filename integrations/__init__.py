"""The API for the district's other systems (IVR, payment processor, AMI head-end, GIS, mobile
work orders): integration tokens with scopes, and the /api/v1/ resources they open."""
