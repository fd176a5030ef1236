"""Bundled data: fonts, icons, interview scripts, stylesheets.  Read with importlib.resources."""
