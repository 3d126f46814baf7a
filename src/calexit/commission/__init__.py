"""The commission stage: nominees, eligibility, quotas and the lottery that draws the members."""
