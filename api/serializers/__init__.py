"""How content is shown over HTTP, one module per resource (``common`` holds what they share)."""
