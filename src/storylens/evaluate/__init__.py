"""Evaluation against labelled data: pair scores (SemEval-2022 Task 8)."""
