"""Reading once what several panels of one page need (the area page is built from a dozen panels of
different apps, each given the same `area` object)."""

from django.core.exceptions import ObjectDoesNotExist


def per_object(obj, key: str, compute):
    """`compute()` once per object: later calls with the same key return the first result. The
    result lives on the object, so it lasts as long as the request that loaded it."""
    memo = obj.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def cached_one_to_one(obj, name: str):
    """(True, related object or None) when a select_related already read the reverse one-to-one
    `name` of `obj`; (False, None) when it was not read and a query would be needed."""
    descriptor = getattr(type(obj), name)
    if not descriptor.is_cached(obj):
        return False, None
    try:
        return True, getattr(obj, name)
    except ObjectDoesNotExist:
        return True, None
