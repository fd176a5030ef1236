"""Trustworthy records: finalising, amendments, evidence, the audit timeline, verification and
case bundles.  Qt-free; the CLI and ``ui/integrity/`` call into it.
"""
