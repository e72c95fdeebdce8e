"""medkb's version: recorded in every build, so that a new version rebuilds old stores."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("medkb")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0+unknown"
