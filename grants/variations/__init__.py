"""Variations: a lead organisation asks to change its grant agreement (more time, money moved
between payments, a changed amount); the programme decides, the funder co-signs over a threshold,
and an approved variation reissues the offer (GovS 015)."""
