"""Reflex configuration. Everything deployment-specific comes from the environment.

CULTURETOOL_DB_URL picks the database (SQLite file by default); REFLEX_REDIS_URL, when set,
moves Reflex's state manager to Redis so several workers can share it.
"""

import reflex as rx

config = rx.Config(
    app_name="culturetool",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", radius="medium")
        ),
    ],
)
