"""Commands whose option plumbing would crowd :mod:`builder.cli`; it adds them to its group."""
