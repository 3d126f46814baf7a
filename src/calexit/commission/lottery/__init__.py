"""Selection algorithms: distributions over quota-compliant panels, and their rounding."""
