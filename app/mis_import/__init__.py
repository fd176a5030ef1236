"""Importing students from the CSV files that school MIS systems export (SIMS, Arbor, Bromcom).

The steps, one module each: ``decoding`` (bytes to text), ``dialect`` (text to rows), ``headers``
(which column holds what), ``plan`` (what each row would do, and what is wrong with it) and
``apply`` (commit a clean plan in one transaction).  Nothing here imports Qt; the CLI and the
import dialog share it.
"""
