"""The app's Flask extensions, made once here and bound to each app by `create_app()`."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are set per route (the sign-in POSTs); nothing else is throttled by default.
# A moving window: a fixed one resets on the minute, letting a burst straddle it.
# The counts' storage is the app's RATELIMIT_STORAGE_URI (the environment's setting).
limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="moving-window")
