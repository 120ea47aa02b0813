"""The kiosk gateway API: its models (api), signing (auth), the reference backend (server) and
the kiosk's client (client)."""
