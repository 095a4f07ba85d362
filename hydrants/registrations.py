"""What the hydrant meter rentals add to the shared registries (imported by
HydrantsConfig.ready()): nothing yet. A menu entry, panel or approval kind goes here."""
