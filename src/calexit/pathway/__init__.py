"""The road after the vote: gates, support models and the Monte Carlo that runs them."""
