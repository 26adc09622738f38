"""Use cases: one function per action; they take ports and a clock as arguments."""
