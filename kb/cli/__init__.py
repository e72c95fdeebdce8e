"""The `kb` command: one module per group of commands, each mirroring a documented Python call."""
