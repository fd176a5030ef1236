"""Interview scripts: the model, the YAML file format and its checks, and the script library.

Qt-free.  The walk-through reads scripts through ``ScriptLibrary`` and stores a conversation's
copy with ``to_snapshot``; the editor and ``ownwork scripts`` build on the same functions.
"""
