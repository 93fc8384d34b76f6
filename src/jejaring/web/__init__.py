"""Web shell: app factory, layout, static assets and i18n glue."""
