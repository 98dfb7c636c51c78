"""GUI tests (pytest-qt, offscreen, qasync)."""
