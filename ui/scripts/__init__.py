"""Pieces of the script editor (``ui/script_editor.py``): its item models and forms."""
