"""OwnWork's PySide6 interface.  Widgets call into ``app``; they hold no SQL or PDF code."""
