"""Runs and jobs against the Ping.Data Bulk Enhance API: submitting, adaptive polling,
downloads, resume after a crash, cancel and retry of failed rows. No Qt.

``runner.Engine`` is the entry point; ``events`` holds what it publishes.
"""
