"""Language adapters: one tags query and one thin module per language, in one table."""
