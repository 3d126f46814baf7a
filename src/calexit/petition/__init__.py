"""The petition stage: deadlines, signature sampling, projection and the qualification decision."""
