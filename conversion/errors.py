"""The conversion's refusal: bad files, a second load, a total that does not match."""

from district.errors import ServiceError


class ConversionRefused(ServiceError):
    """The files are not valid, or were loaded before: nothing was written."""
