"""Printed documents: the conversation record, the student's copy, the referral pack for JCQ
form M1, the written notice to the candidate and the statement form, as PDF.

Qt-free.  Entry points: ``kinds.render`` (any document from a ``state.PrintedCase``, which
``app.integrity.printed.load_printed`` reads from the store), ``m1.m1_answers``,
``output.write_pdf``, ``coverage.check_case`` and ``readiness.printed_problems``.  This package
imports nothing heavy itself: reportlab is loaded only when a document is first made.
"""
