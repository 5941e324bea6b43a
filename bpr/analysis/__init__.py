"""The analysis: process graphs, derived figures, scores, ranking and the roadmap."""
