"""The composition root: wires the Qt-free core (``kiosk``) to the outer layers (``ui``,
``voice``, ``printing``) and is the ``kiosk`` command's entry point. Nothing imports ``app``
but the entry point, the build and tests; ``kiosk`` never imports what sits above it."""
