"""The commission in the open: meetings, notices, comments, documents, budget and the public record."""
