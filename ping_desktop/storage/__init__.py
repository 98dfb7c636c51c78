"""Per-user storage: folders, settings, the token in the keyring, logs and support bundles.

No Qt here. The run store (``runstore``) lives in this package too but is imported directly.
"""

from ping_desktop.storage.paths import APP_ID, AppPaths, app_paths

__all__ = ["APP_ID", "AppPaths", "app_paths"]
