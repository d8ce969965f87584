"""The HTTP views, one module per resource (``base`` holds what they share)."""
