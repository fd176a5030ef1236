"""Plain data and rules of the procedure: no storage, no Qt, no I/O."""
