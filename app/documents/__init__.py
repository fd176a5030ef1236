"""Printed documents: the conversation record, the student's copy and the referral, as PDF.

Qt-free.  Entry points: ``record_pdf.render_record``, ``referral_pdf.render_referral``,
``output.write_pdf``, ``coverage.check_case`` and ``readiness.referral_problems``.  This package
imports nothing heavy itself: reportlab is loaded only when a document is first made.
"""
