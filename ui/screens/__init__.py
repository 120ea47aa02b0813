"""The kiosk's screens. Each is a plain widget the window shows; none talks HTTP or waits."""
