"""Dialogs for trustworthy records: verify, timeline, attachments, finalise and amend, case
bundles and restoring a backup.  The functions in ``ui.integrity.actions`` are what menus call.
"""
