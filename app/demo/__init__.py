"""Synthetic demo data: realistic enough to try every screen and document, never real people."""
