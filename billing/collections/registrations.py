"""What this area adds to the shared registries (imported by its AppConfig.ready())."""
