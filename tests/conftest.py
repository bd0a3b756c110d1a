"""Test-session setup shared by every test module."""

import os

# scikit-learn's check_array_api_input runs only when SciPy's array-API mode is
# on, and SciPy reads this variable once, when it is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
