"""What the project promises about its own packaging and test set-up."""
from hypothesis import settings


def test_no_hypothesis_example_database_travels_between_runs():
    """Property tests stay random and remember nothing: a failing example
    saved in .hypothesis/ by one run would be replayed first by the next
    (a CI cache or a developer's checkout), so a flaky failure would look
    fixed or stay pinned. The failure blob in the report reproduces it."""
    assert settings().database is None
    assert settings().derandomize is False
