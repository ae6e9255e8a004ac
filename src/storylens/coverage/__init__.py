"""Coverage of a story across outlets: who reports what, and a summary of the story."""

from storylens.coverage.report import SECTIONS, Coverage, build_coverage

__all__ = ["Coverage", "SECTIONS", "build_coverage"]
