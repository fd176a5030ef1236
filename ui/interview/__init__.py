"""The walk-through of one authenticity conversation: prepare, converse, conclude."""

from ui.interview.window import InterviewWindow

__all__ = ["InterviewWindow"]
