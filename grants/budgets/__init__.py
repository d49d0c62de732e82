"""Round budgets: the envelope an award must fit in, and what is committed, paid, held and
forecast against it by financial year (April to March)."""
