"""Pages for applying, assessing, stage gates, extensions and an area leaving the programme, one
module per concept. Thin: every write is a service call, each action has its own URL and view,
and a refused action re-renders its page with the reason next to the fields and what was typed
still there."""
