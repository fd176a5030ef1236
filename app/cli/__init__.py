"""The ``ownwork`` command line: opens the GUI, or runs one command on the same data store."""
