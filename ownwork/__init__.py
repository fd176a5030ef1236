"""The composition root: where the core (``app``) and the window (``ui``) are put together.

Nothing in ``app`` imports ``ui``; this package, outside both, does the wiring the window needs
(who is acting, which store) and is registered as the ``ownwork.gui`` entry point that
``ownwork`` without a command opens (app/cli/window.py).  ``python -m ownwork`` runs the same
``ownwork`` command.
"""
