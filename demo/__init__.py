"""All the demo data behind `manage.py load_demo`: a programme with a finished pilot round and a
live round, 64 areas over every stage, and the plans, support, delivery records and payments that
make every page worth looking at.

Creation goes through the same services as the web app, so the demo obeys the same rules. The
steps run in order from `demo.load.load_demo`, each building on the context of the ones before it.
No domain app imports this package (core/tests/test_architecture.py checks it).
"""
