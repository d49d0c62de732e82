"""Grant offers: the letter a lead organisation accepts before any of an award's money moves."""
